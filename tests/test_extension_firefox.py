"""Smoke check of the extension in a real Firefox (firefox-esr over WebDriver BiDi, driven
by puppeteer-core from tests/extension/firefox/smoke.mjs): it installs as a temporary
add-on, pairs on /pair, counts one ChatGPT prompt once, with the model, without the text,
and the webRequest backup counts a request the MAIN-world script could not see.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from extension_servers import PROMPT

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
