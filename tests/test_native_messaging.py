"""Pairing through the browser's native messaging: `aifootprint pair-browser` registers the
host for this user, and the host (a real process, the 4-byte length-prefixed JSON protocol)
names this user's own daemon and the extension's token. That a real Chromium started with
the user's folder pairs the extension by itself (no page, no click, no typing) is shown by
tests/test_extension_daemon.py."""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
from pathlib import Path

from aifootprint.desktop.native_registration import CHROMIUM_EXTENSION_ID, GECKO_ID, HOST_NAME
from daemon_process import pair_browser, start_daemon
from test_managed_policy import extension_id

ROOT = Path(__file__).resolve().parent.parent


def ask_host(launcher: Path, message: object, *browser_args: str,
             as_user: tuple[str, ...] = ()) -> object:
    """Start the host as a browser does (as_user: runuser's prefix) and send one message."""
    data = json.dumps(message).encode()
    done = subprocess.run([*as_user, str(launcher), *browser_args],
                          input=struct.pack("=I", len(data)) + data, capture_output=True,
                          timeout=30)
    (length,) = struct.unpack("=I", done.stdout[:4])
    assert len(done.stdout) == 4 + length, "nothing but the protocol on stdout"
    return json.loads(done.stdout[4:])


def test_the_host_allows_only_our_extension_by_its_stable_ids():
    manifest = json.loads((ROOT / "extension" / "manifest.json").read_text("utf-8"))
    assert extension_id(base64.b64decode(manifest["key"])) == CHROMIUM_EXTENSION_ID
    assert manifest["browser_specific_settings"]["gecko"]["id"] == GECKO_ID
    assert "nativeMessaging" in manifest["permissions"]


def test_pair_browser_registers_each_browser_and_the_host_names_this_users_daemon(tmp_path):
    user = tmp_path / "user"
    written = pair_browser(tmp_path / "aifp", user)
    assert written == [str(user / folder / f"{HOST_NAME}.json") for folder in (
        ".config/google-chrome/NativeMessagingHosts", ".config/chromium/NativeMessagingHosts",
        ".config/microsoft-edge/NativeMessagingHosts", ".mozilla/native-messaging-hosts")]
    chromium, firefox = (json.loads(Path(path).read_text()) for path in written[1::2])
    assert chromium["allowed_origins"] == [f"chrome-extension://{CHROMIUM_EXTENSION_ID}/"]
    assert firefox["allowed_extensions"] == [GECKO_ID] and "allowed_origins" not in firefox
    launcher = Path(chromium["path"])
    assert launcher.is_absolute() and os.access(launcher, os.X_OK)
    stopped = ask_host(launcher, {"type": "pair"}, f"chrome-extension://{CHROMIUM_EXTENSION_ID}/")
    assert stopped["running"] is False
    daemon = start_daemon(tmp_path / "aifp")  # a free port, not 47474
    try:
        answer = ask_host(launcher, {"type": "pair"}, firefox["path"], GECKO_ID)
        assert answer == {"url": daemon.url, "running": True, "token": daemon.extension_token}
        assert daemon.token not in json.dumps(answer)
        assert ask_host(launcher, {"type": "forget"}) == {"error": "unknown request"}
    finally:
        daemon.stop()
