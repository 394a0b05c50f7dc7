"""Who is on the other end of a loopback connection: the user id that owns the client's
socket, which Linux publishes in /proc/net/tcp and /proc/net/tcp6.

A computer-lab PC has several accounts logged in at once, and every one of them can reach
127.0.0.1. On Linux the daemon refuses a connection whose socket belongs to another user id
(security.same_user_middleware). macOS and Windows publish no such table to an ordinary
process, so there the token alone stands between another account and the API
(docs/security.md says what that leaves open).
"""

from __future__ import annotations

import socket
from pathlib import Path

TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
UID_FIELD = 7  # sl, local_address, rem_address, st, queues, tr:when, retrnsmt, uid


def encoded(ip: str, port: int) -> tuple[str, ...]:
    """The ways /proc/net/tcp{,6} writes this address (an IPv4 one also as IPv4-mapped)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    raw = socket.inet_pton(family, ip)
    forms = [raw] if family == socket.AF_INET6 else [raw, b"\0" * 10 + b"\xff\xff" + raw]
    words = (b"".join(form[i:i + 4][::-1] for i in range(0, len(form), 4)) for form in forms)
    return tuple(f"{word.hex().upper()}:{port:04X}" for word in words)


def peer_uid(peer: tuple[str, int], local: tuple[str, int],
             tables: tuple[Path, ...] = TABLES) -> int | None:
    """The uid owning the client's end of the connection peer -> local, or None when no
    table tells (not Linux, or the entry is gone). Lines are matched as text first: a busy
    machine's table has hundreds of sockets."""
    pairs = [(f" {mine} {theirs} ") for mine in encoded(*peer) for theirs in encoded(*local)]
    for table in tables:
        try:
            text = table.read_text()
        except OSError:
            continue
        for line in text.splitlines()[1:]:
            if any(pair in line for pair in pairs):
                return int(line.split()[UID_FIELD])
    return None
