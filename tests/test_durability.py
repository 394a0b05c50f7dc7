"""Acknowledged means on disk: the daemon sends its 200 for a batch only after the fsync of
the write-ahead log that holds it, traced in the real process with strace."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from daemon_process import daemon_env, free_port


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace (scripts/test.sh installs it)")
def test_the_200_is_sent_after_the_wal_is_fsynced(tmp_path):
    home, port, trace = tmp_path / "home", free_port(), tmp_path / "trace.txt"
    process = subprocess.Popen(
        ["strace", "-f", "-qq", "-y", "-s", "400", "-o", str(trace), "-e",
         "trace=fsync,fdatasync,sendto,write,writev", sys.executable, "-m", "aifootprint", "run",
         "--no-tray", "--home", str(home), "--port", str(port)],
        env=daemon_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/api/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        token = (home / "config" / "token").read_text().strip()
        event = {"id": str(uuid.uuid4()), "ts": "2025-03-01T10:00:00Z", "site": "chatgpt.com",
                 "kind": "prompt", "count": 1}
        request = urllib.request.Request(
            f"{url}/api/v1/events", data=json.dumps({"events": [event]}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert json.load(reply)["accepted"] == 1
    finally:
        # End the daemon itself (strace would only detach from it); the trace is complete.
        state = home / "data" / "daemon.json"
        if state.exists():
            os.kill(json.loads(state.read_text())["pid"], signal.SIGKILL)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    lines = trace.read_text().splitlines()
    sends = [i for i, line in enumerate(lines) if "HTTP/1.1 200" in line]
    answered = next(i for i in sends if '\\"accepted\\"' in lines[i])  # the POST's 200
    health = max(i for i in sends if i < answered)  # the answer before it
    # The writer's fsync of the WAL, finished (= 0) after the health answer and before the 200.
    synced = [i for i in range(health, answered)
              if re.search(r"fdatasync\(\d+<[^>]*footprint\.db-wal>", lines[i])
              and completed(lines, i, answered)]
    assert synced, "\n".join(lines[health:answered + 1])


def completed(lines: list[str], start: int, before: int) -> bool:
    """The fdatasync on lines[start] returned 0 before line `before` (it may be interleaved:
    '<unfinished ...>' then '<... fdatasync resumed> = 0' on the same thread)."""
    if lines[start].rstrip().endswith("= 0"):
        return True
    thread = lines[start].split()[0]
    return any(line.startswith(thread) and "fdatasync resumed" in line and
               line.rstrip().endswith("= 0") for line in lines[start + 1:before])
