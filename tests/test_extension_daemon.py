"""The extension against the REAL daemon in a real headless Chromium: pairing by itself
through the native messaging host (no page, no click), a prompt stored by the daemon, then
the daemon stopped while two more prompts are sent and restarted on the same port: all
delivered, none twice, and the prompt text is in none of the daemon's files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from daemon_process import pair_browser, start_daemon
from extension_servers import PROMPT, Servers
from test_extension_smoke import CHROMIUM, launch

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture
def site(tmp_path):
    running = Servers(tmp_path)  # only its replica chatgpt.com is used here
    running.start()
    yield running
    running.stop()


def prompts_today(daemon) -> int:
    status, summary = daemon.get("/api/v1/summary")
    assert status == 200, summary
    return summary["prompts"]


def wait_for_prompts(page, daemon, expected: int) -> None:
    for _ in range(100):
        if prompts_today(daemon) >= expected:
            break
        page.wait_for_timeout(100)
    assert prompts_today(daemon) == expected


def send_prompt(chat) -> None:
    chat.evaluate("document.getElementById('out').textContent = ''")
    chat.evaluate("send()")
    chat.wait_for_selector("#out:has-text('done')", timeout=10000)


def test_extension_delivers_to_the_real_daemon_across_a_restart(site, home, tmp_path):
    from playwright.sync_api import sync_playwright

    daemon = start_daemon(home)
    user = tmp_path / "user"
    pair_browser(home, user)  # what `aifootprint run` does for the user's own folders
    try:
        with sync_playwright() as playwright:
            # Chromium reads a user's hosts from <user data dir>/NativeMessagingHosts
            # (chrome_paths.cc, DIR_USER_NATIVE_MESSAGING): here the user's ~/.config/chromium.
            context = launch(playwright, user / ".config" / "chromium", site.site_port,
                             env={**os.environ, "HOME": str(user)})
            try:
                worker = context.service_workers[0] if context.service_workers else (
                    context.wait_for_event("serviceworker", timeout=20000))
                extension_id = worker.url.split("/")[2]
                # No /pair page, no options page: the extension pairs itself on install.
                chat = context.new_page()
                chat.goto("https://chatgpt.com/")
                chat.wait_for_timeout(500)
                send_prompt(chat)
                wait_for_prompts(chat, daemon, 1)
                status, summary = daemon.get("/api/v1/summary")
                assert [s["name"] for s in summary["sites"]] == ["chatgpt.com"]

                assert daemon.stop() == 0
                send_prompt(chat)
                send_prompt(chat)
                popup = context.new_page()
                popup.goto(f"chrome-extension://{extension_id}/popup.html")
                popup.wait_for_selector("body[data-ready=true]", timeout=15000)
                assert popup.get_attribute("#connection", "data-state") == "offline"
                assert popup.inner_text("#prompts") == "3"  # the popup counts on its own
                assert "2" in popup.inner_text("#queue")

                daemon = start_daemon(home, port=daemon.port)
                popup.reload()  # opening the popup retries delivery at once
                popup.wait_for_selector("body[data-ready=true]", timeout=15000)
                wait_for_prompts(chat, daemon, 3)
                chat.wait_for_timeout(1500)
                assert prompts_today(daemon) == 3, "none twice"

                # The popup computes with the daemon's profile (chosen in the dashboard).
                status, _ = daemon.request("PUT", "/api/v1/settings", {"profile": "google-2025"})
                assert status == 200
                popup.reload()
                popup.wait_for_selector("body[data-ready=true]", timeout=15000)
                assert popup.inner_text("#energy") == "0.72 Wh"  # 3 x 0.24 Wh
            finally:
                context.close()
    finally:
        daemon.stop()
    for path in Path(home).rglob("*"):
        if path.is_file():
            assert PROMPT.encode() not in path.read_bytes(), f"prompt text in {path}"


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node")
def test_extension_queue_against_the_real_daemon_drops_only_the_bad_event(home):
    script = Path(__file__).parent / "extension" / "daemon_contract.mjs"
    daemon = start_daemon(home)
    try:
        run = subprocess.run([shutil.which("node"), str(script), daemon.url, daemon.token],
                             capture_output=True, text=True, timeout=60, check=True)
        outcome = json.loads(run.stdout)
        status, summary = daemon.get("/api/v1/summary")
    finally:
        daemon.stop()
    assert outcome["result"]["status"] == "delivered"
    assert outcome["stats"]["pending"] == 0
    [rejected] = outcome["stats"]["rejected"]
    assert rejected["reason"].startswith("events[1].ts")
    assert "dropped" in run.stderr
    assert (summary["prompts"], summary["images"]) == (1, 4)
    assert "homework" in [group["name"] for group in summary["labels"]]
