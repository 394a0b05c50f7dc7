"""Smoke check of the extension in a real headless Chromium: it loads, its service worker
starts, the popup renders, /pair pairs it, and a prompt on a replica chatgpt.com page reaches
a stand-in daemon once, with the model and without the prompt text.

The full end-to-end suite (real daemon, more sites, Firefox) lives in tests/e2e/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extension_servers import PROMPT, SITE_HOSTS

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

def launch(playwright, profile: Path, site_port: int, env: dict | None = None):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, ignore_https_errors=True,
        env=env,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--host-resolver-rules=" + ", ".join(
                  f"MAP {host} 127.0.0.1:{site_port}" for host in SITE_HOSTS),
              f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"],
    )


def test_extension_loads_pairs_and_counts_a_prompt_in_chromium(servers, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile", servers.site_port)
        try:
            worker = context.service_workers[0] if context.service_workers else (
                context.wait_for_event("serviceworker", timeout=20000))
            assert worker.url.endswith("/background.js")
            extension_id = worker.url.split("/")[2]

            popup = context.new_page()
            popup.goto(f"chrome-extension://{extension_id}/popup.html")
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.get_attribute("#connection", "data-state") in ("unpaired", "offline")
            assert "aifootprint run" in popup.inner_text("#connection")
            popup.select_option("#label", "homework")  # tags the events that follow
            popup.close()

            options = context.new_page()
            options.goto(f"chrome-extension://{extension_id}/options.html")
            options.wait_for_selector("body[data-ready=true]", timeout=15000)
            adapters = [p for p in (EXTENSION / "adapters").glob("*.js") if p.name != "index.js"]
            checked = options.locator("#sites input[type=checkbox]:checked").count()
            assert checked == len(adapters) == 13
            options.close()

            pair = context.new_page()
            pair.goto(f"http://127.0.0.1:{servers.daemon_port}/pair")
            pair.wait_for_selector("#pairing[data-state=paired]", timeout=15000)

            chat = context.new_page()
            chat.goto("https://chatgpt.com/")
            chat.wait_for_timeout(500)  # the rules reach the MAIN world after a round trip
            chat.evaluate("send()")
            chat.wait_for_selector("#out:has-text('done')", timeout=10000)
            deadline = 100
            while not servers.events and deadline:
                chat.wait_for_timeout(100)
                deadline -= 1
            chat.wait_for_timeout(1500)  # would a second (webRequest) copy arrive?
            assert len(servers.events) == 1
            event = servers.events[0]
            assert event["site"] == "chatgpt.com" and event["kind"] == "prompt"
            assert event["count"] == 1 and event["model"] == "gpt-smoke"
            assert event["label"] == "homework"
            assert PROMPT not in json.dumps(servers.events)

            # Gemini's XHR and Copilot's WebSocket, through the real browser's objects.
            gemini = context.new_page()
            gemini.goto("https://gemini.google.com/")
            gemini.wait_for_timeout(500)
            gemini.evaluate("sendGemini()")
            gemini.wait_for_selector("#out:has-text('gemini done')", timeout=10000)
            copilot = context.new_page()
            copilot.goto("https://copilot.microsoft.com/")
            copilot.wait_for_timeout(500)
            copilot.evaluate("sendCopilot()")
            copilot.wait_for_selector("#out:has-text('copilot done')", timeout=10000)
            for _ in range(100):
                if len(servers.events) >= 4:
                    break
                chat.wait_for_timeout(100)
            other = [(e["site"], e["kind"], e.get("model")) for e in servers.events[1:]]
            assert sorted(other, key=str) == sorted([
                ("gemini.google.com", "prompt", "gemhash"),
                ("copilot.microsoft.com", "prompt", "smart"),
                ("copilot.microsoft.com", "image", None)], key=str)
            del servers.events[1:]  # the daemon side of the rest counts ChatGPT only

            # The backup signal alone counts a request the MAIN world missed (after ~20 s).
            chat.evaluate("sendFromFrame()")
            chat.wait_for_selector("#out:has-text('frame done')", timeout=10000)
            deadline = 400
            while len(servers.events) < 2 and deadline:
                chat.wait_for_timeout(100)
                deadline -= 1
            assert len(servers.events) == 2
            assert servers.events[1]["model"] == "auto"  # the request's pick; no stream seen

            popup = context.new_page()
            popup.goto(f"chrome-extension://{extension_id}/popup.html")
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.inner_text("#prompts") == "4"  # 2 ChatGPT, 1 Gemini, 1 Copilot
            assert popup.get_attribute("#connection", "data-state") == "connected"
            assert popup.locator(".broken-adapter").count() == 0

            # A site that changed its API: generation-like POSTs nothing counts -> a warning.
            for _ in range(3):
                chat.evaluate("sendUnknown()")
                chat.wait_for_selector("#out:has-text('unknown done')", timeout=10000)
                chat.evaluate("document.getElementById('out').textContent = ''")
            popup.reload()
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.locator(".broken-adapter[data-adapter=chatgpt]").count() == 1

            # Paused: nothing new is counted.
            popup.check("#pause")
            chat.evaluate("send()")
            chat.wait_for_selector("#out:has-text('done')", timeout=10000)
            chat.wait_for_timeout(1500)
            assert len(servers.events) == 2
            popup.reload()
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.inner_text("#prompts") == "4"  # 2 ChatGPT, 1 Gemini, 1 Copilot
            artifacts = ROOT / "tests" / "artifacts"
            artifacts.mkdir(exist_ok=True)
            popup.screenshot(path=str(artifacts / "popup.png"), full_page=True)

            # The language setting switches the popup to Dutch.
            options = context.new_page()
            options.goto(f"chrome-extension://{extension_id}/options.html")
            options.wait_for_selector("body[data-ready=true]", timeout=15000)
            options.select_option("#lang", "nl")
            popup.reload()
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.inner_text("h1") == "Vandaag"
            assert popup.inner_text("#images") == "1"
            assert popup.inner_text("#energy") == "24,5 Wh"  # 4 x 4 Wh + 8.5 Wh
            popup.screenshot(path=str(artifacts / "popup-nl.png"), full_page=True)
        finally:
            context.close()
    storage = tmp_path / "profile" / "Default" / "Local Extension Settings" / extension_id
    files = [path for path in storage.rglob("*") if path.is_file()]
    assert files, "the extension's storage was not found"
    assert not [path for path in files if PROMPT.encode() in path.read_bytes()]
    assert any(b"chatgpt.com" in path.read_bytes() for path in files), "storage holds the counts"
