"""Pages cannot forge counts, in a real headless Chromium and a real Firefox.

The replica chatgpt.com page /hostile runs tests/extension/pages/hostile.js as its first
script: it wraps every built-in the extension's channel could use, listens for every window
message, offers ports of its own and posts 3,000 forged `generation` messages in every shape
the old nonce protocol accepted. One real prompt then goes through the page: the stand-in
daemon must store exactly that prompt, and the hostile script must have found no port, no
nonce, no offer, no rules, and got no report on its own ports.

What remains is tested too: a same-origin window the hostile page opens itself can be
prepared before the extension's scripts run in it (the browser reuses its initial
about:blank window), so the page steals that window's port and forges 3,000 messages over
it. The background's caps (extension/caps.js) must bound what is stored: 30 prompts and 80
images in a tab's minute, no forged model, and (Chromium) the popup shows how many were
dropped.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from extension_servers import PROMPT
from test_extension_smoke import CHROMIUM, launch

ROOT = Path(__file__).resolve().parent.parent
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NODE = shutil.which("node")
CLEAN = {"ports": 0, "nonces": [], "offers": 0, "rules": 0, "foreign": 0, "reports": 0, "stolen": 0}
TAB_CAPS = {"prompt": 30, "image": 80}  # extension/caps.js, per tab per minute

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def wait_until(check, timeout_s: float = 20.0, pause_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("still false")
        time.sleep(pause_s)


def assert_found_nothing(found: dict) -> None:
    assert found["wrapped"] >= 13, "the hostile script wrapped the built-ins"
    assert found["forged"] == 3050 and found["messages"] > 0, "and it did listen and forge"
    assert {key: found[key] for key in CLEAN} == CLEAN, found


def assert_one_real_prompt(events: list[dict]) -> None:
    assert [(e["site"], e["kind"], e["count"], e.get("model")) for e in events] == [
        ("chatgpt.com", "prompt", 1, "gpt-smoke")]
    assert PROMPT not in json.dumps(events)


def wait_for_settled(events: list[dict], quiet_s: float = 5.0, timeout_s: float = 90.0) -> list:
    """The events once none has arrived for quiet_s (the background worked through a flood)."""
    deadline = time.monotonic() + timeout_s
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        if len(events) != seen:
            seen, since = len(events), time.monotonic()
        elif events and time.monotonic() - since > quiet_s:
            return list(events)
        time.sleep(0.5)
    raise TimeoutError(f"{len(events)} events and still arriving")


def assert_bounded_by_the_caps(events: list[dict], minutes: int) -> dict:
    """What 3,000 forged messages over a stolen port stored: in one tab, at most its caps
    for each minute the flood took, 40 images a message, and no forged model."""
    stored = {kind: sum(e["count"] for e in events if e["kind"] == kind) for kind in TAB_CAPS}
    assert 0 < stored["prompt"] <= TAB_CAPS["prompt"] * minutes, stored
    assert 0 < stored["image"] <= TAB_CAPS["image"] * minutes, stored
    assert all(e["count"] <= 40 for e in events), "40 images a message at most"
    assert not [e for e in events if "model" in e], "no forged model was kept"
    return stored


def pair_and_find_extension(context, daemon_port: int) -> str:
    worker = context.service_workers[0] if context.service_workers else (
        context.wait_for_event("serviceworker", timeout=20000))
    pair = context.new_page()
    pair.goto(f"http://127.0.0.1:{daemon_port}/pair")
    pair.wait_for_selector("#pairing[data-state=paired]", timeout=15000)
    pair.close()
    return worker.url.split("/")[2]


def capped_in_popup(context, extension_id: str) -> int:
    popup = context.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup.html")
    popup.wait_for_selector("body[data-ready=true]", timeout=15000)
    count = int(popup.get_attribute("#capped", "data-count"))
    text = popup.inner_text("#capped")
    popup.close()
    return count, text


@needs_chromium
def test_a_hostile_page_finds_no_channel_and_forges_nothing_in_chromium(servers, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile", servers.site_port)
        try:
            extension_id = pair_and_find_extension(context, servers.daemon_port)
            chat = context.new_page()
            chat.goto("https://chatgpt.com/hostile")
            chat.wait_for_timeout(500)  # the real rules arrive
            chat.evaluate("forge(3000)")
            chat.wait_for_timeout(1000)
            chat.evaluate("send()")
            chat.wait_for_selector("#out:has-text('done')", timeout=10000)
            wait_until(lambda: servers.events)
            chat.wait_for_timeout(2000)  # would anything forged follow?
            found = chat.evaluate("hostileFound")
            assert_found_nothing(found)
            assert_one_real_prompt(servers.events)
            assert capped_in_popup(context, extension_id)[0] == 0, "nothing even reached the caps"
        finally:
            context.close()


@needs_chromium
def test_a_window_the_page_prepared_is_bounded_by_the_caps_in_chromium(servers, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile", servers.site_port)
        try:
            extension_id = pair_and_find_extension(context, servers.daemon_port)
            opener = context.new_page()
            opener.goto("https://chatgpt.com/hostile")
            with context.expect_page() as opened:
                opener.evaluate("prepareWindow('/?prepared')")
            prepared = opened.value
            prepared.wait_for_load_state()
            prepared.wait_for_timeout(500)
            assert opener.evaluate("hostileFound.stolen") == 1, (
                "the residual risk docs/extension.md states: this window's port is the page's")
            started = time.monotonic()
            opener.evaluate("forgeStolen(3000)")
            # 1,500 messages of 1,000 images and 1,500 prompts, all in the prepared tab.
            wait_until(lambda: capped_in_popup(context, extension_id)[0] >= 1_500_000 - 80,
                       timeout_s=60, pause_s=1)
            time.sleep(2)
            minutes = math.ceil((time.monotonic() - started) / 60)
            stored = assert_bounded_by_the_caps(servers.events, minutes)
            dropped, text = capped_in_popup(context, extension_id)
            assert dropped == 1500 * 1000 + 1500 - stored["prompt"] - stored["image"]
            assert "not counted today" in text
        finally:
            context.close()


@pytest.mark.skipif(
    not FIREFOX or not NODE or not (ROOT / "node_modules" / "puppeteer-core").is_dir(),
    reason="needs firefox-esr and the Node dev tools (npm ci)",
)
def test_a_hostile_page_finds_no_channel_and_forges_nothing_in_firefox(servers):
    """And a tab open before the extension was installed, where Firefox injects the content
    scripts after the page's own scripts ran, is offered no port at all."""
    script = ROOT / "tests" / "extension" / "firefox" / "hostile.mjs"
    result = subprocess.run(
        [NODE, str(script), str(ROOT / "extension"), str(servers.daemon_port),
         str(servers.site_port)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
        env={**os.environ, "FIREFOX": FIREFOX, "HOME": str(servers.cert_dir)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert_found_nothing(report["found"])
    assert_one_real_prompt(servers.events)
    # A tab open before the install got the content scripts late: no port was offered there.
    assert report["lateInjected"], "Firefox injected the content scripts into the open tab"
    assert_found_nothing(report["late"])


@pytest.mark.skipif(
    not FIREFOX or not NODE or not (ROOT / "node_modules" / "puppeteer-core").is_dir(),
    reason="needs firefox-esr and the Node dev tools (npm ci)",
)
def test_a_window_the_page_prepared_is_bounded_by_the_caps_in_firefox(servers):
    script = ROOT / "tests" / "extension" / "firefox" / "hostile.mjs"
    log = servers.cert_dir / "driver.log"
    with log.open("w") as stderr, subprocess.Popen(
        [NODE, str(script), str(ROOT / "extension"), str(servers.daemon_port),
         str(servers.site_port), "prepared"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True,
        cwd=ROOT, env={**os.environ, "FIREFOX": FIREFOX, "HOME": str(servers.cert_dir)},
    ) as driver:
        try:
            report = json.loads(driver.stdout.readline() or "{}")
            started = time.monotonic()
            assert report.get("stolen") == 1, (
                "the residual risk docs/extension.md states: this window's port is the page's")
            settled = wait_for_settled(servers.events)
            minutes = math.ceil((time.monotonic() - started) / 60)
            driver.stdin.write("done\n")
            driver.stdin.flush()
            assert driver.wait(timeout=60) == 0, log.read_text()[-2000:]
        finally:
            if driver.poll() is None:
                driver.kill()
    assert_bounded_by_the_caps(settled, minutes)
