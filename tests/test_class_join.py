"""Joining a class without typing addresses, and the consent a 14-year-old reads: the join
link and QR code of `create-class`, and the dashboard's class section in real Chromium
against a real class server and a real student daemon (screenshots in tests/artifacts/).
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from aggregator_process import create_class, run_cli, start_aggregator
from aifootprint.daemon.config import DEFAULT_PORT, load_config
from aifootprint.daemon.services import sharing
from aifootprint.model.join_link import parse_join_link
from aifootprint.model.periods import period_days, period_label, period_of, periods_in_window
from daemon_process import free_port, start_daemon
from test_extension_smoke import CHROMIUM

ARTIFACTS = Path(__file__).parent / "artifacts"
SCHOOL = "https://klas.school.example"
NL = {key: entry["message"] for key, entry in json.loads(
    (Path(__file__).parents[1] / "extension/_locales/nl/messages.json").read_text()).items()}


def test_create_class_prints_the_addresses_and_writes_the_join_links_qr_code(tmp_path):
    segno = pytest.importorskip("segno")
    made = create_class(tmp_path / "aggregator", "--name", "3B", "--server", SCHOOL + "/")
    lines = made["output"].splitlines()
    assert f"Class server (for students): {SCHOOL}" in lines
    assert f"Teacher page: {SCHOOL}/teacher" in lines
    assert parse_join_link(made["join_link"]) == (SCHOOL, made["join_code"])
    assert made["join_link"].startswith(f"http://127.0.0.1:{DEFAULT_PORT}/#")  # the daemon's
    assert parse_join_link(f"  {made['join_code']} ") == (None, made["join_code"])
    svg = tmp_path / "qr" / f"join-{made['class_id']}.svg"
    png = svg.with_suffix(".png")
    assert str(svg) in made["output"] and str(png) in made["output"]
    # The files are the QR code of exactly the printed link.
    expected = io.BytesIO()
    segno.make(made["join_link"], error="m").save(expected, kind="svg", scale=4, border=4)
    assert svg.read_bytes() == expected.getvalue()
    assert png.read_bytes().startswith(b"\x89PNG")


KIND = "month"  # create-class's default


def shown_period() -> str:
    """The month the consent shows: the last closed one still taking submissions, else this
    one."""
    return (periods_in_window(KIND, datetime.now()) or [period_of(KIND, date.today())])[-1]


def post_use(student, prompts: int, images: int) -> None:
    first = period_days(KIND, shown_period())[0]
    noon = datetime.combine(first, datetime.min.time()).replace(hour=12).astimezone()
    noon = noon.isoformat()
    events = [{"id": str(uuid.uuid4()), "ts": noon, "site": "chatgpt.com", "kind": kind,
               "count": count} for kind, count in (("prompt", prompts), ("image", images))]
    assert student.post("/api/v1/events", {"events": events})[0] == 200


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("class-join")
    aggregator = start_aggregator(home / "aggregator")
    student = start_daemon(home / "student")
    try:
        student.request("PUT", "/api/v1/settings", {"lang": "nl", "role": "student"})
        yield aggregator, student
    finally:
        student.stop()
        aggregator.stop()


def test_the_join_link_opens_the_consent_in_words_and_joins_without_typing(world):
    playwright_api = pytest.importorskip("playwright.sync_api")
    aggregator, student = world
    made = create_class(aggregator.home, "--name", "5C", "--server", aggregator.url)
    post_use(student, 17, 17)
    fragment = made["join_link"].split("#", 1)[1]
    period = shown_period()
    errors = []
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.on("pageerror", lambda error: errors.append(str(error)))
        student.log_in(page)  # the dashboard opens only with its session cookie
        page.goto("about:blank")  # so the link below loads the page, not just a new hash
        page.goto(f"{student.url}/#{fragment}")  # the link, on this student's own port
        section = page.locator("#class-sharing")
        section.get_by_role("heading", name="Meedoen met klas 5C?").wait_for()
        assert "#join" not in page.url and made["join_code"] not in page.url
        text = section.inner_text()
        words = f"{period_label(KIND, period, 'nl')}: 17 vragen, 17 afbeeldingen"
        assert section.locator(".class-words").inner_text() == words
        assert "k = 5:" in text and "epsilon = 1:" in text
        assert "aifootprint" not in text  # no commands: the Stop button is enough
        details = section.locator("pre.class-preview")
        assert not details.is_visible()
        section.get_by_text(NL["class_details"]).click()
        assert '"pseudonym"' in details.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        section.screenshot(path=str(ARTIFACTS / "class-consent-nl.png"))
        page.set_viewport_size({"width": 360, "height": 740})  # a phone: nothing sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        section.screenshot(path=str(ARTIFACTS / "class-consent-nl-phone.png"))
        page.set_viewport_size({"width": 1000, "height": 900})
        assert sharing.membership(load_config(home=student.home, env={})) is None
        # Switching the language keeps the consent, now in English.
        page.evaluate("document.documentElement.lang = 'en'")
        section.get_by_role("heading", name="Join class 5C?").wait_for()
        assert "17 prompts, 17 images" in section.locator(".class-words").inner_text()
        page.evaluate("document.documentElement.lang = 'nl'")
        section.get_by_role("heading", name="Meedoen met klas 5C?").wait_for()
        section.get_by_role("button", name=NL["class_join"]).click()
        section.get_by_text("Je deelt met klas 5C").wait_for()
        assert sharing.membership(load_config(home=student.home, env={}))["server"] == \
            aggregator.url
        section.get_by_role("button", name=NL["class_leave"]).click()

        # One current error at a time, in plain Dutch: first the server cannot be reached,
        # then (replacing it) the code does not exist.
        field = section.locator("input[name=join]")
        field.fill(f"http://127.0.0.1:47474/#join=http://127.0.0.1:{free_port()}"
                   f"&code={made['join_code']}")
        section.get_by_role("button", name=NL["class_preview"]).click()
        section.get_by_text(NL["class_error_unreachable"]).wait_for()
        field.fill(made["join_link"].replace(made["join_code"], "AAAAA-AAAAA").replace(
            "http://127.0.0.1:47474", student.url))
        section.get_by_role("button", name=NL["class_preview"]).click()
        section.get_by_text(NL["class_error_code"]).wait_for()
        assert section.locator(".error").count() == 1
        section.screenshot(path=str(ARTIFACTS / "class-error-nl.png"))
        browser.close()
    assert errors == []


def test_a_server_that_is_no_class_server_is_a_clear_502_not_a_daemon_failure(world, tmp_path):
    _, student = world
    port = free_port()
    # A plain web server (HTML, 501 for POST): the wrong address a student might paste.
    web = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                            "127.0.0.1", "--directory", str(tmp_path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        server = f"http://127.0.0.1:{port}"
        status, answer = student.post("/api/v1/class/preview",
                                      {"code": "ABCDE-FGHJK", "server": server})
        assert status == 502, answer
        assert answer["error"]["message"] == (
            f"{server} does not answer as a class server; check the address.")
        status, answer = student.post("/api/v1/class/preview", {
            "code": "ABCDE-FGHJK", "server": f"http://127.0.0.1:{free_port()}"})
        assert status == 502 and "cannot be reached" in answer["error"]["message"]
    finally:
        web.terminate()
        web.wait(timeout=10)


def test_the_cli_joins_with_the_link_alone(world, tmp_path):
    aggregator, _ = world
    made = create_class(aggregator.home, "--name", "5D", "--server", aggregator.url)
    home = tmp_path / "cli-student"
    done = run_cli("class", "join", made["join_link"], "--yes", "--home", str(home),
                   "--lang", "nl")
    assert done.returncode == 0 and "5D" in done.stdout, done.stderr
    assert sharing.membership(load_config(home=home, env={}))["server"] == aggregator.url
    bare = run_cli("class", "join", made["join_code"], "--home", str(home), "--lang", "nl")
    assert bare.returncode == 1 and "--server" in bare.stderr and "Traceback" not in bare.stderr


def test_a_join_link_opened_before_the_dashboard_is_kept_until_it_opens(world):
    """A student who opens the teacher's link in a browser not logged in to the dashboard
    reads how to open it; the dashboard opened next (the tray's login link) shows the
    class's consent without the link being opened again."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    aggregator, student = world
    made = create_class(aggregator.home, "--name", "2D", "--server", aggregator.url)
    fragment = made["join_link"].split("#", 1)[1]
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{student.url}/#{fragment}")  # no session: the how-to page (401)
        page.locator("#login #join-kept").wait_for()
        assert made["join_code"] not in page.locator("body").inner_text()
        student.log_in(page)
        page.locator("#class-sharing").get_by_role("heading",
                                                   name="Meedoen met klas 2D?").wait_for()
        page.goto("about:blank")  # taken once: the next opening shows the form again
        student.log_in(page)
        page.locator("#class-sharing input[name=join]").wait_for()
        assert page.locator("#class-sharing input[name=join]").input_value() == ""
        browser.close()
