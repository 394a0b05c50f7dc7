"""Helpers both configurations use (the daemon's and the class server's): where files live,
the language and the port, each checked with one sentence on failure."""

from __future__ import annotations

import locale
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError


def folder(home: Path | None, sub: str, platform_dir, app_name: str) -> Path:
    """`home/sub` when a home is set, else the platform's folder of that kind (platformdirs)."""
    return home / sub if home else Path(platform_dir(app_name, appauthor=False))



# Windows language ids (LANGID): the low 10 bits are the primary language; 0x13 is Dutch
# (0x0413 nl-NL, 0x0813 nl-BE). GetUserDefaultUILanguage gives the display language.
DUTCH_PRIMARY_LANGID = 0x13


def language_of(name: str | None) -> str | None:
    """nl or en from a locale name as each system writes it; None when it names neither.

    POSIX and macOS: nl_NL.UTF-8, nl-BE, en_US; Windows (Python's getlocale there):
    Dutch_Netherlands, Dutch_Belgium, English_United States; BCP 47: nl-NL.
    """
    name = (name or "").strip().lower()
    if name.startswith(("nl", "dutch")):
        return "nl"
    if name.startswith(("en", "english")):
        return "en"
    return None


def language_of_langid(langid: int) -> str:
    return "nl" if langid & 0x3FF == DUTCH_PRIMARY_LANGID else "en"


def system_lang(env: Mapping[str, str], platform: str = sys.platform) -> str:
    """nl when the user's language is Dutch, otherwise en.

    The environment first (LC_ALL, LC_MESSAGES, LANG, LANGUAGE, as POSIX orders them),
    then the system's own setting: the display language on Windows, the first preferred
    language on macOS (a program started from Finder or at login has no LANG), the
    locale elsewhere.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if env.get(name):
            return language_of(env[name].split(":")[0]) or "en"
    if platform == "win32":
        return language_of_langid(_windows_ui_langid())
    if platform == "darwin":
        found = language_of(_mac_preferred_language())
        if found:
            return found
    return language_of(locale.getlocale()[0]) or "en"


def _windows_ui_langid() -> int:
    import ctypes

    return ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]


def _mac_preferred_language() -> str | None:
    """The first of macOS's preferred languages (e.g. nl-NL), or None."""
    try:
        output = subprocess.run(["defaults", "read", "-g", "AppleLanguages"],
                                capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # The output is a plist array: (\n    "nl-NL",\n    "en-US"\n)
    for line in output.splitlines():
        line = line.strip().strip(",").strip('"')
        if line and line not in ("(", ")"):
            return line
    return None


def parse_port(value: object, origin: str) -> int:
    try:
        port = int(str(value))
    except ValueError:
        raise ConfigError("port_not_number", origin=origin, value=value) from None
    if not 1 <= port <= 65535:
        raise ConfigError("port_range", origin=origin, port=port)
    return port


def parse_lang(value: str, origin: str) -> str:
    if value not in ("nl", "en"):
        raise ConfigError("lang_unknown", origin=origin, value=value)
    return value
