"""Pairing through the browser's native messaging: `aifootprint pair-browser` registers the
host for this user, the host (a real process, the 4-byte length-prefixed JSON protocol)
names this user's own daemon and the extension's token, and a real Chromium started with
the user's folder pairs the extension by itself: no page, no click, no typing."""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.desktop.native_registration import CHROMIUM_EXTENSION_ID, GECKO_ID, HOST_NAME
from daemon_process import start_daemon
from extension_servers import Servers
from test_extension_daemon import send_prompt, wait_for_prompts
from test_extension_smoke import CHROMIUM, launch
from test_managed_policy import extension_id

ROOT = Path(__file__).resolve().parent.parent


def pair_browser(home: Path, user_home: Path) -> list[str]:
    """`aifootprint pair-browser` for `home`, as a user whose home folder is user_home: the
    files it wrote."""
    env = {**os.environ, "HOME": str(user_home)}
    env.pop("XDG_CONFIG_HOME", None)
    result = CliRunner(env=env).invoke(main, ["pair-browser", "--home", str(home),
                                              "--lang", "en"])
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.output.splitlines()[1:]]


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


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_chromium_pairs_the_extension_by_itself_through_the_host(tmp_path):
    """Chromium reads user-level hosts from <user data dir>/NativeMessagingHosts
    (chrome_paths.cc, DIR_USER_NATIVE_MESSAGING): the user's folder ~/.config/chromium."""
    from playwright.sync_api import sync_playwright

    user = tmp_path / "user"
    daemon = start_daemon(tmp_path / "aifp")
    site = Servers(tmp_path)
    site.start()
    try:
        pair_browser(tmp_path / "aifp", user)
        with sync_playwright() as playwright:
            context = launch(playwright, user / ".config" / "chromium", site.site_port,
                             env={**os.environ, "HOME": str(user)})
            try:
                chat = context.new_page()
                chat.goto("https://chatgpt.com/")  # no /pair, no options page
                chat.wait_for_timeout(500)
                send_prompt(chat)
                wait_for_prompts(chat, daemon, 1)
            finally:
                context.close()
    finally:
        site.stop()
        daemon.stop()
