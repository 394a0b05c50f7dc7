"""Start at login: one small writer per platform, chosen by sys.platform.

Linux: a .desktop file in the XDG autostart folder; macOS: a LaunchAgent plist;
Windows: a value under HKCU's Run key. Each entry runs `python -m aifootprint run`
with the same --home and --port as the daemon that wrote it.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from ..daemon.config import DEFAULT_PORT, Config

ENTRY_NAME = "aifootprint"
MAC_LABEL = "nl.aifootprint.daemon"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE = "AI Footprint"


def login_command(config: Config) -> list[str]:
    command = [sys.executable, "-m", "aifootprint", "run"]
    if config.home:
        command += ["--home", str(config.home)]
    if config.port != DEFAULT_PORT:
        command += ["--port", str(config.port)]
    return command


def linux_desktop_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / f"{ENTRY_NAME}.desktop"


def linux_desktop_entry(command: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=AI Footprint",
        "Comment=The energy, CO2 and water of your generative-AI use",
        f"Exec={shlex.join(command)}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def mac_plist_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


def mac_plist(command: list[str]) -> bytes:
    return plistlib.dumps({"Label": MAC_LABEL, "ProgramArguments": command, "RunAtLoad": True})


class LinuxAutostart:
    def __init__(self, env: Mapping[str, str]):
        self.path = linux_desktop_path(env)

    def enabled(self) -> bool:
        return self.path.exists()

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(linux_desktop_entry(command), encoding="utf-8")

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class MacAutostart:
    def __init__(self, path: Path | None = None):
        self.path = path or mac_plist_path()

    def enabled(self) -> bool:
        return self.path.exists()

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(mac_plist(command))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class WindowsAutostart:
    """The HKCU Run key: per user, no administrator rights needed."""

    def _key(self, access: int):
        import winreg  # Windows only

        return winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, access)

    def enabled(self) -> bool:
        import winreg

        try:
            with self._key(winreg.KEY_READ) as key:
                winreg.QueryValueEx(key, WINDOWS_VALUE)
            return True
        except OSError:
            return False

    def enable(self, command: list[str]) -> None:
        import winreg

        with self._key(winreg.KEY_SET_VALUE) as key:
            value = subprocess.list2cmdline(command)
            winreg.SetValueEx(key, WINDOWS_VALUE, 0, winreg.REG_SZ, value)

    def disable(self) -> None:
        import winreg

        try:
            with self._key(winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, WINDOWS_VALUE)
        except FileNotFoundError:
            pass


def autostart_for_platform(platform: str | None = None, env: Mapping[str, str] | None = None):
    platform = platform or sys.platform
    if platform == "win32":
        return WindowsAutostart()
    if platform == "darwin":
        return MacAutostart()
    return LinuxAutostart(os.environ if env is None else env)
