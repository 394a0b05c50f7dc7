"""A school's policy in a real browser.

Chromium: Debian's chromium reads policy files from /etc/chromium/policies/managed/, and a
file with `3rdparty.extensions.<id>` reaches the extension as chrome.storage.managed
(filtered by extension/managed_schema.json). The test writes such a file (root only: CI runs
as root), loads the extension headless (new headless, the only one Chromium 132+ has; the
managed storage is filled in it) and, without a click, finds the pushed class server,
join code, role and language (Dutch texts) on the options page and in the popup, the fixed
controls disabled, the dashboard link that pre-fills the real dashboard's join form, and an
untracked site not counted while a tracked one is, by the real daemon.

Firefox: a policies.json with `3rdparty.Extensions.<gecko id>` in its distribution folder
reaches browser.storage.managed; an untracked site is not counted, a tracked one is.

Each policy names a COPY of the extension with its own id (a throw-away key, another gecko
id): policy files are machine-wide, and other browser tests on this machine load extension/
itself. That the committed key gives the documented id is checked without a policy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from daemon_process import start_daemon
from extension_servers import SITE_HOSTS, Servers

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
POLICY_DIR = Path("/etc/chromium/policies/managed")
ARTIFACTS = ROOT / "tests" / "artifacts"
MESSAGES = {lang: json.loads((EXTENSION / "_locales" / lang / "messages.json").read_text("utf-8"))
            for lang in ("nl", "en")}
DOCUMENTED_ID = "hcdmhjibffkdbkoogkiendojdfjbonob"  # docs/deploy.md

CLASS_SERVER = "https://klas.school.example"
JOIN_CODE = "ABCDE-FGHJK"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def nl(key: str, **params) -> str:
    text = MESSAGES["nl"][key]["message"]
    for name, value in params.items():
        text = text.replace("{" + name + "}", value)
    return text


def extension_id(public_key_der: bytes) -> str:
    """Chromium's id: the first 128 bits of the key's SHA-256, hex digits 0-f as a-p."""
    digest = hashlib.sha256(public_key_der).hexdigest()[:32]
    return "".join(chr(ord("a") + int(digit, 16)) for digit in digest)


def launch(playwright, profile: Path, extension: Path, site_port: int):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, ignore_https_errors=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--host-resolver-rules=" + ", ".join(
                  f"MAP {host} 127.0.0.1:{site_port}" for host in SITE_HOSTS),
              f"--disable-extensions-except={extension}", f"--load-extension={extension}"],
    )


def worker_id(context) -> str:
    worker = context.service_workers[0] if context.service_workers else (
        context.wait_for_event("serviceworker", timeout=20000))
    assert worker.url.endswith("/background.js")
    return worker.url.split("/")[2]


def school_copy(tmp_path: Path) -> tuple[Path, str]:
    """extension/ copied with a fresh RSA key in its manifest; returns the copy and its id."""
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy)
    private = tmp_path / "test-key.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", str(private)], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    manifest = json.loads((copy / "manifest.json").read_text("utf-8"))
    manifest["key"] = base64.b64encode(der).decode()
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    return copy, extension_id(der)


@contextmanager
def chromium_policy(extension: str, values: dict):
    """A policy file for one extension id, removed afterwards (and the folders it made)."""
    made = [folder for folder in (POLICY_DIR.parent.parent, POLICY_DIR.parent, POLICY_DIR)
            if not folder.exists()]
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    path = POLICY_DIR / f"aifootprint-test-{extension}.json"
    path.write_text(json.dumps({"3rdparty": {"extensions": {extension: values}}}), "utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()


@pytest.fixture
def site(tmp_path):
    running = Servers(tmp_path)  # its replica AI sites; the events go to the real daemon
    running.start()
    yield running
    running.stop()


def summary_sites(daemon) -> dict:
    status, summary = daemon.get("/api/v1/summary")
    assert status == 200, summary
    return {entry["name"]: entry["prompts"] for entry in summary["sites"]}


def test_the_committed_key_gives_the_documented_extension_id(tmp_path):
    from playwright.sync_api import sync_playwright

    manifest = json.loads((EXTENSION / "manifest.json").read_text("utf-8"))
    assert extension_id(base64.b64decode(manifest["key"])) == DOCUMENTED_ID
    assert DOCUMENTED_ID in (ROOT / "docs" / "deploy.md").read_text("utf-8")
    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile", EXTENSION, 9)
        try:
            assert worker_id(context) == DOCUMENTED_ID
        finally:
            context.close()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                    reason="writes a policy file to /etc/chromium/policies/managed/, which "
                           "needs root (CI runs as root)")
def test_a_policy_file_sets_the_extension_up_without_a_click(site, home, tmp_path):
    from playwright.sync_api import sync_playwright

    copy, copy_id = school_copy(tmp_path)
    daemon = start_daemon(home)
    policy = {
        "classServer": CLASS_SERVER,
        "joinLink": f"{CLASS_SERVER}/join?code={JOIN_CODE}",
        "language": "nl",
        "role": "teacher",
        "trackedSites": ["gemini", "copilot"],
        "daemonUrl": daemon.url,
    }
    try:
        with chromium_policy(copy_id, policy), sync_playwright() as playwright:
            context = launch(playwright, tmp_path / "profile", copy, site.site_port)
            try:
                assert worker_id(context) == copy_id
                check_options_page(context, copy_id, daemon)
                check_popup(context, copy_id)
                check_counting(context, daemon)
                check_dashboard_link(context, copy_id, daemon)
            finally:
                context.close()
    finally:
        daemon.stop()


def check_options_page(context, copy_id: str, daemon) -> None:
    options = context.new_page()
    options.goto(f"chrome-extension://{copy_id}/options.html")
    options.wait_for_selector("body[data-ready=true]", timeout=15000)
    assert options.get_attribute("html", "lang") == "nl"
    assert options.inner_text("h1") == nl("optionsTitle")
    school = options.inner_text("#school")
    assert options.is_visible("#school")
    assert nl("managedClassServer", server=CLASS_SERVER) in school
    assert nl("managedJoinCode", code=JOIN_CODE) in school
    assert nl("managedRole", role=nl("dashboard_role_teacher")) in school
    assert options.locator("#school .invalid").count() == 0
    # Each fixed control: disabled, with the school's sentence beside it.
    assert options.eval_on_selector("#lang", "e => [e.value, e.disabled]") == ["nl", True]
    assert options.eval_on_selector("#daemon-url", "e => [e.value, e.disabled]") == [
        daemon.url, True]
    boxes = options.eval_on_selector_all(
        "#sites input", "es => es.map(e => [e.dataset.adapter, e.checked, e.disabled])")
    assert sorted(b[0] for b in boxes if b[1]) == ["copilot", "gemini"]
    assert all(disabled for *_, disabled in boxes)
    notes = options.eval_on_selector_all(".managed-note", "es => es.map(e => e.dataset.setting)")
    assert sorted(notes) == ["daemonUrl", "disabledSites", "lang"]
    assert options.inner_text(".managed-note[data-setting=lang]") == nl("managedSetting")
    assert options.is_enabled("#token"), "the token stays the user's"
    ARTIFACTS.mkdir(exist_ok=True)
    options.screenshot(path=str(ARTIFACTS / "options-managed.png"), full_page=True)
    options.close()


def check_popup(context, copy_id: str) -> None:
    popup = context.new_page()
    popup.goto(f"chrome-extension://{copy_id}/popup.html")
    popup.wait_for_selector("body[data-ready=true]", timeout=15000)
    assert popup.inner_text("h1") == nl("today")
    assert nl("managedClassServer", server=CLASS_SERVER) in popup.inner_text("#school")
    assert popup.input_value("#label") == "lesson-prep", "the teacher's label preset"
    popup.screenshot(path=str(ARTIFACTS / "popup-managed.png"), full_page=True)
    popup.close()


def check_counting(context, daemon) -> None:
    """Pairs on the daemon's /pair page; a ChatGPT prompt (not tracked) is not counted, not
    even by the webRequest backup 20 s later; a Gemini one (tracked) is, with the label."""
    pair = context.new_page()
    daemon.log_in(pair)  # /pair holds the key only for the logged-in user
    pair.goto(f"{daemon.url}/pair")
    pair.wait_for_selector("#pairing[data-state=paired]", timeout=15000)
    chat = context.new_page()
    chat.goto("https://chatgpt.com/")
    chat.wait_for_timeout(500)
    chat.evaluate("send()")
    chat.wait_for_selector("#out:has-text('done')", timeout=10000)
    sent = time.monotonic()
    gemini = context.new_page()
    gemini.goto("https://gemini.google.com/")
    gemini.wait_for_timeout(500)
    gemini.evaluate("sendGemini()")
    gemini.wait_for_selector("#out:has-text('gemini done')", timeout=10000)
    for _ in range(100):
        if summary_sites(daemon):
            break
        gemini.wait_for_timeout(100)
    gemini.wait_for_timeout(max(0.0, 24 - (time.monotonic() - sent)) * 1000)  # the backup's 20 s
    assert summary_sites(daemon) == {"gemini.google.com": 1}
    status, summary = daemon.get("/api/v1/summary")
    assert [(label["name"], label["prompts"]) for label in summary["labels"]] == [
        ("lesson-prep", 1)]


def check_dashboard_link(context, copy_id: str, daemon) -> None:
    """The options page's link opens the real dashboard with its join form filled in; the
    student has joined nothing."""
    options = context.new_page()
    options.goto(f"chrome-extension://{copy_id}/options.html")
    options.wait_for_selector("body[data-ready=true]", timeout=15000)
    link = options.get_attribute("#open-dashboard", "href")
    assert link.startswith(f"{daemon.url}/?")
    dashboard = context.new_page()
    dashboard.goto(link)  # this browser logged in on /pair (check_counting) before
    dashboard.wait_for_selector("#class-sharing form.class-join", timeout=15000)
    assert dashboard.input_value("#class-sharing input[name=server]") == CLASS_SERVER
    assert dashboard.input_value("#class-sharing input[name=join]") == JOIN_CODE
    status, answer = daemon.get("/api/v1/class/status")
    assert status == 200 and answer == {"member": False}



FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NODE = shutil.which("node")


def firefox_policy_files() -> tuple[Path, list[Path]]:
    """Where this Firefox reads policies.json: its install folder's distribution/ (the one
    the test writes), and the system folders that would win over it."""
    install = Path(os.path.realpath(FIREFOX)).parent
    return install / "distribution" / "policies.json", [
        Path("/etc/firefox/policies/policies.json"),
        Path("/etc/firefox-esr/policies/policies.json")]


@pytest.mark.skipif(
    not FIREFOX or not NODE or not (ROOT / "node_modules" / "puppeteer-core").is_dir(),
    reason="needs firefox-esr and the Node dev tools (npm ci)")
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                    reason="writes Firefox's distribution/policies.json, which needs root "
                           "(CI runs as root)")
def test_a_firefox_policy_reaches_the_extension(servers, tmp_path):
    """Firefox's policies.json `3rdparty.Extensions.<gecko id>`: the untracked site is not
    counted, the tracked one is, with the teacher's label preset. WebDriver BiDi does not
    open extension pages, so what the background counts is what shows the policy here.
    Like the Chromium test, the policy names a copy of the extension with its own gecko id."""
    target, system = firefox_policy_files()
    if target.exists() or any(path.exists() for path in system):
        pytest.skip(f"a policies.json is already in place ({target} or {system}); not replaced")
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy)
    manifest = json.loads((copy / "manifest.json").read_text("utf-8"))
    gecko_id = "ai-footprint-policy-test@aifootprint.nl"
    manifest["browser_specific_settings"]["gecko"]["id"] = gecko_id
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    made = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"policies": {"3rdparty": {"Extensions": {gecko_id: {
        "language": "nl", "role": "teacher", "trackedSites": ["gemini"],
        "daemonUrl": f"http://127.0.0.1:{servers.daemon_port}"}}}}}), "utf-8")
    try:
        result = subprocess.run(
            [NODE, str(ROOT / "tests" / "extension" / "firefox" / "managed.mjs"), str(copy),
             str(servers.daemon_port), str(servers.site_port)],
            capture_output=True, text=True, timeout=180, cwd=ROOT,
            env={**os.environ, "FIREFOX": FIREFOX, "HOME": str(servers.cert_dir)},
        )
    finally:
        target.unlink(missing_ok=True)
        if made:
            target.parent.rmdir()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sent on chatgpt.com" in result.stdout
    counted = [(e["site"], e["kind"], e.get("label")) for e in servers.events]
    assert counted == [("gemini.google.com", "prompt", "lesson-prep")]
