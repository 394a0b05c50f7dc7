"""Registering the native messaging host (native_host.py) for this user, in each browser.

`aifootprint pair-browser` and `aifootprint run` write, per user (no administrator):
a launcher that runs this Python with this package and home, and one host manifest per
browser that names it and the only extension allowed to start it. Where each browser
looks (the official pages):

- Chrome, Chromium: https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location
  Linux `~/.config/google-chrome/NativeMessagingHosts/`, `~/.config/chromium/...`;
  macOS `~/Library/Application Support/Google/Chrome/NativeMessagingHosts/`,
  `.../Chromium/...`; Windows the registry key
  `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\<name>` (Chromium:
  `HKCU\\Software\\Chromium\\...`) whose default value is the manifest's path. The per-user
  folder is `<user data dir>/NativeMessagingHosts` (chrome/common/chrome_paths.cc,
  DIR_USER_NATIVE_MESSAGING), so a browser started with --user-data-dir looks there.
- Edge: https://learn.microsoft.com/microsoft-edge/extensions/developer-guide/native-messaging
  Linux `~/.config/microsoft-edge/NativeMessagingHosts/`, macOS
  `~/Library/Application Support/Microsoft Edge/NativeMessagingHosts/`, Windows
  `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\<name>`.
- Firefox: https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_manifests#manifest_location
  Linux `~/.mozilla/native-messaging-hosts/`, macOS
  `~/Library/Application Support/Mozilla/NativeMessagingHosts/`, Windows
  `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\<name>`. Firefox's manifest names the
  extension in `allowed_extensions` (its gecko id), Chromium's in `allowed_origins`.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

import aifootprint

from ..daemon.config import Config

HOST_NAME = "nl.aifootprint.pairing"  # lowercase, dots: what the extension asks for
# The extension's stable ids: Chromium's from the manifest's "key", Firefox's gecko id
# (tests/test_native_messaging.py checks both against extension/manifest.json).
CHROMIUM_EXTENSION_ID = "hcdmhjibffkdbkoogkiendojdfjbonob"
GECKO_ID = "ai-footprint@aifootprint.nl"
DESCRIPTION = "AI Footprint: pairs the browser extension with this user's own daemon"

CHROMIUM_FOLDERS = {  # browser -> its user data folder below the config or support folder
    "linux": {"chrome": "google-chrome", "chromium": "chromium", "edge": "microsoft-edge"},
    "darwin": {"chrome": "Google/Chrome", "chromium": "Chromium", "edge": "Microsoft Edge"},
}
WINDOWS_KEYS = {"chrome": r"Software\Google\Chrome", "chromium": r"Software\Chromium",
                "edge": r"Software\Microsoft\Edge", "firefox": r"Software\Mozilla"}


def host_manifest(browser: str, launcher: Path) -> dict:
    allowed = ({"allowed_extensions": [GECKO_ID]} if browser == "firefox" else
               {"allowed_origins": [f"chrome-extension://{CHROMIUM_EXTENSION_ID}/"]})
    return {"name": HOST_NAME, "description": DESCRIPTION, "path": str(launcher),
            "type": "stdio", **allowed}


def manifest_folders(platform: str, env: Mapping[str, str], home: Path) -> dict[str, Path]:
    """Where each browser reads a user's host manifests, on Linux and macOS."""
    if platform == "darwin":
        support = home / "Library" / "Application Support"
        folders = {browser: support / sub / "NativeMessagingHosts"
                   for browser, sub in CHROMIUM_FOLDERS["darwin"].items()}
        return {**folders, "firefox": support / "Mozilla" / "NativeMessagingHosts"}
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    folders = {browser: config / sub / "NativeMessagingHosts"
               for browser, sub in CHROMIUM_FOLDERS["linux"].items()}
    return {**folders, "firefox": home / ".mozilla" / "native-messaging-hosts"}


def launcher_text(config: Config, platform: str, env: Mapping[str, str]) -> str:
    """Runs `python -m aifootprint native-host` with this Python, this package (the code
    that registered it, and the import path it ran with) and this home; the browser adds
    its own arguments."""
    package_root = str(Path(aifootprint.__file__).resolve().parent.parent)
    if env.get("PYTHONPATH"):
        package_root += os.pathsep + env["PYTHONPATH"]
    command = [sys.executable, "-m", "aifootprint", "native-host"]
    if config.home:
        command += ["--home", str(config.home)]
    if platform == "win32":
        quoted = " ".join(f'"{part}"' for part in command)
        return f'@echo off\r\nset "PYTHONPATH={package_root}"\r\n{quoted} %*\r\n'
    return (f"#!/bin/sh\nPYTHONPATH={shlex.quote(package_root)} exec {shlex.join(command)}"
            ' "$@"\n')


def register(config: Config, platform: str = sys.platform,
             env: Mapping[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """Write the launcher and every browser's manifest for this user: the manifests written
    (on Windows, the files the registry keys point to)."""
    env = os.environ if env is None else env
    home = home or Path.home()
    windows = platform == "win32"
    launcher = config.data_dir / ("native-host.cmd" if windows else "native-host")
    write_file(launcher, launcher_text(config, platform, env), executable=True)
    written = []
    if windows:
        for browser, key in WINDOWS_KEYS.items():
            manifest = config.data_dir / f"{HOST_NAME}.{browser}.json"
            write_file(manifest, json.dumps(host_manifest(browser, launcher), indent=2))
            set_windows_default(rf"{key}\NativeMessagingHosts\{HOST_NAME}", str(manifest))
            written.append(manifest)
        return written
    for browser, folder in manifest_folders(platform, env, home).items():
        manifest = folder / f"{HOST_NAME}.json"
        write_file(manifest, json.dumps(host_manifest(browser, launcher), indent=2))
        written.append(manifest)
    return written


def write_file(path: Path, text: str, executable: bool = False) -> None:
    """Written aside, then renamed into place: a browser never reads half a manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.new")
    aside.write_text(text, encoding="utf-8")
    if executable:
        aside.chmod(0o700)  # the browser runs it as this user; nobody else may change it
    aside.replace(path)


def set_windows_default(key: str, value: str) -> None:
    import winreg  # Windows only

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
        winreg.SetValueEx(handle, "", 0, winreg.REG_SZ, value)
