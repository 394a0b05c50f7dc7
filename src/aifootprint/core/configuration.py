"""Helpers both configurations use (the daemon's and the class server's): where files live,
the language and the port, each checked with one sentence on failure."""

from __future__ import annotations

import locale
from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError


def folder(home: Path | None, sub: str, platform_dir, app_name: str) -> Path:
    """`home/sub` when a home is set, else the platform's folder of that kind (platformdirs)."""
    return home / sub if home else Path(platform_dir(app_name, appauthor=False))



def system_lang(env: Mapping[str, str]) -> str:
    """nl when the user's locale is Dutch, otherwise en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if env.get(name):
            return "nl" if env[name].lower().startswith("nl") else "en"
    code = locale.getlocale()[0] or ""
    return "nl" if code.lower().startswith("nl") else "en"


def parse_port(value: object, origin: str) -> int:
    try:
        port = int(str(value))
    except ValueError:
        raise ConfigError(f"The port from {origin} must be a number, not {value!r}.") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"The port from {origin} must be between 1 and 65535, not {port}.")
    return port


def parse_lang(value: str, origin: str) -> str:
    if value not in ("nl", "en"):
        raise ConfigError(f"The language from {origin} must be nl or en, not {value!r}.")
    return value
