"""The native messaging host (`aifootprint native-host`): how the browser extension pairs
itself with this user's daemon, with no page and no typing.

The browser starts this program itself, as the logged-in user, only for our extension
(the manifest's allowed_origins / allowed_extensions, see native_registration.py), and
speaks to it over stdin and stdout: each message is JSON (UTF-8) after its length as a
32-bit unsigned integer in native byte order (Chrome:
https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-protocol;
MDN: https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_messaging).
A message from the host may be at most 1 MB, one to it at most 64 MiB (Chrome); ours are
tiny. Nothing but the protocol may reach stdout.

The answer names this user's own daemon (its state file, in this user's 0700 folder, and
its lock) and the extension's token, never the owner's: another account's daemon on a
shared port is never named, since its state file is not ours.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import BinaryIO

from ..daemon.config import Config
from ..daemon.instance import running_daemon
from ..daemon.token import ensure_token

HEADER = struct.Struct("=I")  # native byte order, as the browsers write it
MAX_REQUEST_BYTES = 4096  # a pairing request is {"type": "pair"}: refuse anything large


def read_message(stream: BinaryIO) -> object | None:
    """The next message, or None at the end of input (the browser closed the pipe)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_REQUEST_BYTES:
        raise ValueError(f"a message of {length} bytes is too large")
    return json.loads(stream.read(length).decode("utf-8"))


def write_message(stream: BinaryIO, message: object) -> None:
    data = json.dumps(message).encode("utf-8")
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def answer(config: Config, message: object) -> dict:
    """{"type": "pair"} -> this user's daemon address, whether it runs, and the extension's
    token; anything else -> an error the extension ignores."""
    if not isinstance(message, dict) or message.get("type") != "pair":
        return {"error": "unknown request"}
    state = running_daemon(config) or {}
    return {"url": state.get("url", f"http://127.0.0.1:{config.port}"),
            "running": "url" in state,
            "token": ensure_token(config.extension_token_path)}


def serve(config: Config, stdin: BinaryIO | None = None,
          stdout: BinaryIO | None = None) -> None:
    """Answer each message until the browser closes stdin."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    while (message := read_message(stdin)) is not None:
        write_message(stdout, answer(config, message))
