"""A full disk and a read-only home, for real: a small tmpfs under the daemon's data folder
that fills up, and a read-only bind mount of the home (both need root, as CI runs).

A tmpfs is used rather than `PRAGMA max_page_count` because it fails the way a full disk
does, in the kernel (ENOSPC on write, which SQLite reports as SQLITE_FULL), for the WAL,
the database file and the backups alike; max_page_count limits only the database file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from daemon_process import daemon_env, free_port, start_daemon

BATCH = 500


@pytest.fixture
def mount():
    """mount(*args): runs `mount ARGS`, and unmounts the target (the last arg) afterwards."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount (CI runs as root)")
    targets: list[str] = []

    def mount_(*args: str) -> None:
        done = subprocess.run(["mount", *args], capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"mount is not allowed here: {done.stderr.strip()}")
        targets.append(args[-1])

    yield mount_
    for target in reversed(targets):
        if subprocess.run(["umount", target], capture_output=True).returncode:
            subprocess.run(["umount", "-l", target], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until the file system has no room left."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def batch() -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [{"id": str(uuid.uuid4()), "ts": now, "site": "chatgpt.com", "kind": "prompt",
             "count": 1, "model": "m" * 200} for _ in range(BATCH)]


def post(daemon, events: list[dict]) -> tuple[int, str | None, dict]:
    """(status, Retry-After, JSON answer) of POST /api/v1/events."""
    request = urllib.request.Request(
        f"{daemon.url}/api/v1/events", data=json.dumps({"events": events}).encode(),
        headers={"Authorization": f"Bearer {daemon.token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.headers.get("Retry-After"), json.load(reply)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After"), json.load(error)


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node for the extension's queue")
def test_a_full_disk_answers_503_and_acknowledges_only_what_it_stored(home, mount):
    data = home / "data"
    data.mkdir(parents=True)
    mount("-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(data))
    daemon = start_daemon(home)
    queue = None
    try:
        filler = fill(data)
        acknowledged, refused = 0, []
        while not refused and acknowledged < 40 * BATCH:
            events = batch()
            status, retry_after, answer = post(daemon, events)
            assert status in (200, 503), answer  # never a 500
            if status == 200:
                acknowledged += answer["accepted"]
            else:
                assert retry_after == "60" and "disk is full" in answer["error"]["message"]
                refused.append(events)
        assert refused, "the disk never filled up"
        # The extension's own queue against the full disk: what got 503 stays queued.
        script = Path(__file__).parent / "extension" / "full_disk_queue.mjs"
        queue = subprocess.Popen([shutil.which("node"), str(script), daemon.url, daemon.token,
                                  "2000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        first = json.loads(queue.stdout.readline())
        assert first["result"]["status"] == "offline" and first["stats"]["pending"] > 0
        assert first["stats"]["lastError"] == "HTTP 503"
        assert first["stats"]["delivered"] + first["stats"]["pending"] == 2000

        filler.unlink()  # room again
        for events in refused:  # none of a refused batch was stored: all of it is new now
            status, _, answer = post(daemon, events)
            assert (status, answer) == (200, {"accepted": BATCH, "duplicates": 0})
        queue.stdin.write("freed\n")
        queue.stdin.flush()
        second = json.loads(queue.stdout.readline())
        assert second["result"]["status"] == "delivered" and second["stats"]["pending"] == 0
        prompts = daemon.get("/api/v1/summary")[1]["prompts"]
        assert prompts == acknowledged + BATCH * len(refused) + 2000  # each exactly once
    finally:
        if queue:
            queue.kill()
            queue.communicate()  # and closes its pipes
        daemon.stop()
    log = (home / "logs" / "daemon.log").read_text()
    assert "unexpected error" not in log and "Traceback" not in "".join(daemon.output)

    # With the daemon stopped, `import` writes itself: on a full disk, one sentence too.
    export = home.parent / "export.json"
    assert invoke(home, "export", "-o", str(export)).exit_code == 0
    document = json.loads(export.read_text())
    document["events"] = [{**e, "id": str(uuid.uuid4())} for e in document["events"]]
    export.write_text(json.dumps(document))
    fill(data)
    imported = invoke(home, "import", str(export))
    assert imported.exit_code == 1 and imported.exception.__class__ is SystemExit
    assert imported.output.startswith("Error: The disk is full, so nothing of it was stored")


def invoke(home: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--home", str(home), "--lang", "en"])


def run(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aifootprint", "run", "--no-tray", "--home",
                           str(home), "--port", str(free_port())],
                          env=daemon_env(home), capture_output=True, text=True, timeout=30)


def test_a_read_only_home_gives_one_sentence_not_a_traceback(tmp_path, mount):
    home = tmp_path / "home"
    daemon = start_daemon(home)
    daemon.stop()
    mount("--bind", str(tmp_path), str(tmp_path))
    mount("-o", "remount,ro,bind", str(tmp_path))
    for where in (home, tmp_path / "new-home"):  # with the data there, and a fresh one
        started = run(where)
        assert started.returncode == 1
        lines = started.stderr.strip().splitlines()
        assert len(lines) == 1, started.stderr
        assert lines[0].startswith(f"Error: AI Footprint cannot write in {where / 'data'} "
                                   "(Read-only file system)"), lines
        assert "--home" in lines[0] and "Traceback" not in started.stdout + started.stderr
