"""Reliability of the real daemon process (issue 3), each against `aifootprint run`."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from aifootprint.daemon.config import load_config
from aifootprint.daemon.instance import InstanceLock
from daemon_process import daemon_env, free_port, start_daemon


def event(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "ts": "2025-03-01T10:00:00Z", "site": "chatgpt.com",
            "kind": "prompt", "count": 1, **fields}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One daemon for the tests that only add to its state."""
    process = start_daemon(tmp_path_factory.mktemp("shared-home"))
    yield process
    process.stop()


def prompts_on(daemon, day: str) -> int:
    status, summary = daemon.get(f"/api/v1/summary?date={day}")
    assert status == 200
    return summary["prompts"]


def test_daemon_kill_9_after_200_keeps_every_acknowledged_event(home):
    daemon = start_daemon(home)
    acknowledged: list[str] = []
    stop = threading.Event()

    def post_until_killed():
        while not stop.is_set():
            batch = [event() for _ in range(50)]
            try:
                status, _ = daemon.post("/api/v1/events", {"events": batch}, timeout=5)
            except OSError:
                return
            if status == 200:
                acknowledged.extend(e["id"] for e in batch)

    writers = [threading.Thread(target=post_until_killed) for _ in range(2)]
    for writer in writers:
        writer.start()
    while len(acknowledged) < 2000:
        threading.Event().wait(0.02)
    daemon.kill()  # SIGKILL while both writers are mid-request
    stop.set()
    for writer in writers:
        writer.join()

    restarted = start_daemon(home)
    try:
        stored = export_ids(home)
        assert set(acknowledged) <= stored
        assert prompts_on(restarted, "2025-03-01") == len(stored)
    finally:
        restarted.stop()


def export_ids(home) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "aifootprint", "export", "--home", str(home)],
        env=daemon_env(home), capture_output=True, text=True, check=True)
    return {e["id"] for e in json.loads(result.stdout)["events"]}


def test_daemon_invalid_event_in_batch_is_422_and_nothing_stored(shared):
    before = prompts_on(shared, "2025-03-02")
    batch = [event(ts="2025-03-02T10:00:00Z") for _ in range(5)]
    batch[3]["ts"] = "yesterday"
    status, body = shared.post("/api/v1/events", {"events": batch})
    assert status == 422
    assert body["error"]["field"] == "events[3].ts"
    assert prompts_on(shared, "2025-03-02") == before


def test_daemon_same_batch_twice_is_stored_once(shared):
    batch = [event(ts="2025-03-03T10:00:00Z", count=2) for _ in range(3)]
    assert shared.post("/api/v1/events", {"events": batch}) == (
        200, {"accepted": 3, "duplicates": 0})
    assert shared.post("/api/v1/events", {"events": batch}) == (
        200, {"accepted": 0, "duplicates": 3})
    assert prompts_on(shared, "2025-03-03") == 6


def far_future() -> str:
    return (datetime.now(UTC) + timedelta(days=3)).isoformat()


BAD_BODIES = [
    ("garbage", b"\x00\xff\xfe garbage", "application/json", 400),
    ("truncated", b'{"events": [{"id": "', "application/json", 400),
    ("form", b"events=1&count=2", "application/x-www-form-urlencoded", 415),
    ("huge", b"[" + b"1," * 200_000 + b"1]", "application/json", 413),
    ("wrong types", json.dumps({"events": [event(count="many")]}).encode(), "application/json",
     422),
    ("unknown kind", json.dumps({"events": [event(kind="audio")]}).encode(), "application/json",
     422),
    ("far future", json.dumps({"events": [event(ts=far_future())]}).encode(), "application/json",
     422),
    ("not an object", b"[1, 2, 3]", "application/json", 422),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000, "application/json", 400),
]


@pytest.mark.parametrize("name,data,content_type,status", BAD_BODIES,
                         ids=[case[0] for case in BAD_BODIES])
def test_daemon_bad_bodies_get_a_clear_4xx_and_it_keeps_serving(shared, name, data,
                                                                content_type, status):
    before = shared.get("/api/v1/days?from=2025-01-01&to=2025-12-31")[1]
    answer, body = shared.request("POST", "/api/v1/events", data=data,
                                  headers={"Content-Type": content_type})
    assert answer == status, body
    assert body["error"]["message"]
    assert shared.healthy()
    assert shared.get("/api/v1/days?from=2025-01-01&to=2025-12-31")[1] == before


def test_daemon_burst_of_concurrent_requests_gets_no_5xx_but_503(shared):
    async def burst() -> list[int]:
        connector = aiohttp.TCPConnector(limit=200)
        headers = {"Authorization": f"Bearer {shared.token}"}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            async def one(n: int) -> int:
                body = {"events": [event(ts="2025-03-04T10:00:00Z")]}
                if n % 2:
                    async with session.get(f"{shared.url}/api/v1/summary") as response:
                        return response.status
                async with session.post(f"{shared.url}/api/v1/events", json=body) as response:
                    return response.status

            return await asyncio.gather(*(one(n) for n in range(1000)))

    statuses = asyncio.run(burst())
    assert set(statuses) <= {200, 503}
    assert shared.healthy()
    assert prompts_on(shared, "2025-03-04") == sum(
        1 for n, status in enumerate(statuses) if n % 2 == 0 and status == 200)


def test_daemon_local_day_uses_the_users_time_zone(home):
    daemon = start_daemon(home, env={"TZ": "Europe/Amsterdam"})
    try:
        daemon.post("/api/v1/events", {"events": [event(ts="2025-03-01T23:30:00Z")]})
        assert prompts_on(daemon, "2025-03-02") == 1  # 00:30 in Amsterdam
        assert prompts_on(daemon, "2025-03-01") == 0
    finally:
        daemon.stop()


def test_daemon_second_run_reports_the_first_and_exits_0(daemon):
    result = subprocess.run(
        [sys.executable, "-m", "aifootprint", "run", "--no-tray", "--home", str(daemon.home),
         "--port", str(daemon.port)],
        env=daemon_env(daemon.home), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "already running" in result.stdout and daemon.url in result.stdout
    assert daemon.healthy()


def test_daemon_lock_is_held_while_it_runs_and_dropped_when_it_is_killed(home):
    lock_path = load_config(home=home, env={}).lock_path
    daemon = start_daemon(home)
    probe = InstanceLock(lock_path)
    assert not probe.acquire()  # held by the daemon's process
    daemon.kill()
    assert probe.acquire()  # the OS dropped it with the process: a restart is never blocked
    probe.release()
    assert lock_path.stat().st_size == 0  # a lock, never a database with content


def test_daemon_unusable_lock_file_is_one_sentence(home):
    lock_path = load_config(home=home, env={}).lock_path
    lock_path.parent.mkdir(parents=True)
    lock_path.write_text("not a lock file\n" * 100)
    result = run_once(home, free_port())
    assert result.returncode == 1 and "cannot be used" in result.stderr
    assert "Traceback" not in result.stderr


def test_daemon_sigterm_stops_cleanly_and_can_restart(home):
    daemon = start_daemon(home)
    assert (home / "data" / "daemon.json").exists()
    assert daemon.stop() == 0
    output = "".join(daemon.output)
    assert f"http://127.0.0.1:{daemon.port}/" in output and "headless" in output
    assert "stopped" in output and "Traceback" not in output
    assert not (home / "data" / "daemon.json").exists()
    start_daemon(home, port=daemon.port).stop()


def test_daemon_listens_on_loopback_only(daemon):
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as file:
            for line in list(file)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port = local.split(":")
                if state == "0A" and int(port, 16) == daemon.port:  # 0A: LISTEN
                    listening.add(address)
    assert listening == {"0100007F"}  # 127.0.0.1, and nothing on other interfaces


def test_daemon_logs_hold_no_token_and_no_request_details(daemon):
    daemon.post("/api/v1/events", {"events": [event(model="gpt-4o", label="homework")]})
    daemon.get("/api/v1/summary", headers={"Authorization": "Bearer wrong-token-value"})
    daemon.stop()
    log = "".join(path.read_text() for path in (daemon.home / "logs").glob("daemon.log*"))
    assert "listening" in log
    for secret in (daemon.token, "wrong-token-value", "homework", "gpt-4o", "chatgpt.com"):
        assert secret not in log


def run_once(home, port) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aifootprint", "run", "--no-tray", "--home", str(home),
         "--port", str(port)], env=daemon_env(home), capture_output=True, text=True, timeout=60)


def test_daemon_port_in_use_is_one_sentence(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_once(home, taken.getsockname()[1])
    assert result.returncode == 1
    assert "is in use by another program" in result.stderr and "Traceback" not in result.stderr


def test_daemon_refuses_a_database_from_the_future(home):
    db = home / "data" / "footprint.db"
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    before = db.read_bytes()
    result = run_once(home, free_port())
    assert result.returncode == 1 and "newer version" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_daemon_files_are_only_the_users(tmp_path):
    """Folders 0700 and files 0600: created so, and fixed on start when an older version or
    a copy left them readable by other accounts (school computers have several)."""
    import stat

    home = tmp_path / "home"
    first = start_daemon(home)
    first.post("/api/v1/events", {"events": []})
    first.stop()
    for path in [home / "data", *home.rglob("*")]:  # open them up, as an old version did
        path.chmod(0o755 if path.is_dir() else 0o644)
    daemon = start_daemon(home)
    try:
        daemon.post("/api/v1/events", {"events": [{
            "id": "018f6b7c-0000-7000-8000-000000000001", "ts": "2025-03-01T10:00:00Z",
            "site": "chatgpt.com", "kind": "prompt", "count": 1}]})
        paths = list(home.rglob("*"))
        assert {"footprint.db", "footprint.db-wal", "token", "daemon.log", "daemon.json",
                "daemon.lock"} <= {path.name for path in paths}
        wrong = {str(path): oct(stat.S_IMODE(path.stat().st_mode)) for path in paths
                 if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)}
        assert wrong == {}
    finally:
        daemon.stop()
