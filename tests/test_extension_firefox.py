"""Smoke check of the extension in a real Firefox (firefox-esr over WebDriver BiDi, driven
by puppeteer-core from tests/extension/firefox/smoke.mjs): it installs as a temporary
add-on, pairs on /pair, counts one ChatGPT prompt once, with the model, without the text,
and the webRequest backup counts a request the MAIN-world script could not see; and, with
no pairing step at all, it pairs itself through the native messaging host.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from daemon_process import pair_browser, start_daemon
from extension_servers import PROMPT, Servers

ROOT = Path(__file__).resolve().parent.parent
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    not FIREFOX or not NODE or not (ROOT / "node_modules" / "puppeteer-core").is_dir(),
    reason="needs firefox-esr and the Node dev tools (npm ci)",
)


def test_extension_pairs_and_counts_a_prompt_in_firefox(servers):
    script = ROOT / "tests" / "extension" / "firefox" / "smoke.mjs"
    result = subprocess.run(
        [NODE, str(script), str(ROOT / "extension"), str(servers.daemon_port),
         str(servers.site_port)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
        env={**os.environ, "FIREFOX": FIREFOX, "HOME": str(servers.cert_dir)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "paired" in result.stdout
    counted = sorted((e["site"], e["kind"], e.get("model", "")) for e in servers.events)
    assert counted == [
        ("chatgpt.com", "prompt", "auto"),  # the frame's request, counted by the backup
        ("chatgpt.com", "prompt", "gpt-smoke"),
        ("copilot.microsoft.com", "image", ""),
        ("copilot.microsoft.com", "prompt", "smart"),
        ("gemini.google.com", "prompt", "gemhash"),
    ]
    assert PROMPT not in json.dumps(servers.events)


def test_extension_pairs_itself_through_the_native_host_in_firefox(tmp_path):
    """No /pair page: Firefox starts the host from ~/.mozilla/native-messaging-hosts (MDN,
    Native manifests), which names the user's daemon; the prompt reaches that daemon."""
    site = Servers(tmp_path)  # only its replica chatgpt.com is used
    site.start()
    daemon = start_daemon(tmp_path / "aifp")
    try:
        pair_browser(tmp_path / "aifp", tmp_path / "user")
        script = ROOT / "tests" / "extension" / "firefox" / "native.mjs"
        browser = subprocess.Popen(
            [NODE, str(script), str(ROOT / "extension"), str(site.site_port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "FIREFOX": FIREFOX, "HOME": str(tmp_path / "user")})
        deadline = time.monotonic() + 90
        while daemon.get("/api/v1/summary")[1]["prompts"] < 1 and browser.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert daemon.get("/api/v1/summary")[1]["prompts"] == 1, browser.communicate()[1][-2000:]
        browser.terminate()
        browser.communicate(timeout=30)
    finally:
        daemon.stop()
        site.stop()
