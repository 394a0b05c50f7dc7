"""The install's two tokens (config.token_path, the owner's; config.extension_token_path,
the browser extension's): what the CLI and the extension show to the daemon's API."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_TOKEN_CHARS = 32


def ensure_token(path: Path) -> str:
    """The install's token, created on first use: random, in a file only the user can read.

    An empty or truncated file is replaced: a short token would be guessable. The new
    file appears complete or not at all (written aside, then hard-linked into place),
    so a second process starting at the same moment reads the same token.
    """
    try:
        token = read_token(path)
        if len(token) >= MIN_TOKEN_CHARS:
            return token
        path.unlink()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    aside = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(token + "\n")
    try:
        os.link(aside, path)
    except FileExistsError:  # another process won the race: use theirs
        token = read_token(path)
    finally:
        aside.unlink()
    return token


def read_token(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()
