"""2,000 idle connections from another program do not lock the extension out: its POST
still gets its 200, the oldest idle ones are closed to make room, the rest once the
timeout passes; requests with the token that stall or break leave it in no log line."""

from __future__ import annotations

import resource
import selectors
import socket
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aifootprint.daemon.server.connections import (
    KEEPALIVE_TIMEOUT_S,
    MAX_CONNECTIONS,
    RESERVED_FILES,
)
from daemon_process import start_daemon

IDLE = 2000


def is_closed(sock: socket.socket) -> bool:
    """Has the daemon closed this connection (EOF or reset)? Never waits."""
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True


def event() -> dict:
    return {"id": str(uuid.uuid4()), "ts": datetime.now(UTC).isoformat(), "site": "claude.ai",
            "kind": "prompt", "count": 1}


def test_idle_connections_do_not_lock_out_the_extension_and_are_closed(home):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < IDLE + 200:  # this process holds the 2,000 client ends
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(IDLE + 200, hard), hard))
    daemon = start_daemon(home)
    token = daemon.token
    sockets: list[socket.socket] = []
    try:
        opened_at = time.monotonic()
        for _ in range(IDLE):
            sockets.append(socket.create_connection(("127.0.0.1", daemon.port), timeout=5))
        stalled = socket.create_connection(("127.0.0.1", daemon.port))  # half a request
        stalled.sendall(f"POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\n"
                        f"Authorization: Bearer {token}\r\nContent-".encode())
        sockets.append(stalled)
        broken = socket.create_connection(("127.0.0.1", daemon.port))  # a bad header line
        broken.sendall(f"GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\n"
                       f"Authorization: Bearer {token}\x01\r\n\r\n".encode())
        broken.recv(4096)
        broken.close()

        started = time.monotonic()
        status, answer = daemon.post("/api/v1/events", {"events": [event()]}, timeout=5)
        print(f"POST beside {IDLE} idle connections: {time.monotonic() - started:.3f} s")
        assert (status, answer) == (200, {"accepted": 1, "duplicates": 0})

        for sock in sockets:
            sock.setblocking(False)
        closed_early = sum(is_closed(sock) for sock in sockets)
        held = len(list(Path(f"/proc/{daemon.process.pid}/fd").iterdir()))
        print(f"closed to make room: {closed_early}; descriptors the daemon holds: {held}")
        # The cap: the bad header line was answered, so every connection before it was
        # made, and the POST's new connection trimmed them back to the cap.
        assert held <= MAX_CONNECTIONS + RESERVED_FILES
        assert closed_early >= IDLE - MAX_CONNECTIONS  # the oldest made room
        assert not is_closed(sockets[-1])  # the newest still open: no timeout yet

        waiting = selectors.DefaultSelector()
        for sock in sockets:
            waiting.register(sock, selectors.EVENT_READ)
        deadline = opened_at + KEEPALIVE_TIMEOUT_S + 15
        while waiting.get_map() and time.monotonic() < deadline:
            for key, _ in waiting.select(timeout=1):
                if is_closed(key.fileobj):
                    waiting.unregister(key.fileobj)
        assert not waiting.get_map(), f"{len(waiting.get_map())} connections still open"
        assert time.monotonic() - opened_at >= KEEPALIVE_TIMEOUT_S - 1  # by the timeout
        assert daemon.post("/api/v1/events", {"events": [event()]})[0] == 200
    finally:
        for sock in sockets:
            sock.close()
        daemon.stop()
    logs = "".join(path.read_text() for path in (home / "logs").glob("daemon.log*"))
    assert "Error handling a request" in logs  # the bad header line was logged ...
    for text in (logs, "".join(daemon.output)):  # ... and no line anywhere holds the token
        assert token not in text and "Authorization" not in text
