"""The teacher page in real Chromium against a real class server (test clock), in Dutch and
English, on a laptop, a 360 px phone and printed to PDF (one A4 page).

One class with three periods: two students (not enough participants), sixteen students at
the day's bounds (released: one energy total, 2,640 Wh, with its stated 95 % margin of
494.3 Wh), and one release stored as 'too uncertain' (the status the class server gives a
period whose margin is wider than its total). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from aggregator_process import create_class, start_aggregator
from aifootprint.aggregator.store import open_database
from aifootprint.core.i18n import Catalog
from aifootprint.model.join_link import parse_join_link
from aifootprint.model.periods import period_label
from test_extension_smoke import CHROMIUM

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).parent / "artifacts"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TEXT = Catalog("teacher_page")
FIRST = date.today() - timedelta(days=10)  # three day-periods from here, on the test clock
PERIODS = [(FIRST + timedelta(days=n)).isoformat() for n in range(3)]


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def at(clock: Path, day: str, hour: int) -> None:
    clock.write_text(f"{day}T{hour:02d}:00:00")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("teacher-page")
    clock = home / "clock"
    at(clock, PERIODS[0], 9)
    server = start_aggregator(home / "aggregator", clock)
    try:
        # At epsilon 1 and the day's bounds (20 prompts, 10 images: 165 Wh each), 16
        # students make 2,640 Wh, released with a margin of 494.3 Wh: in kWh, and far from
        # too uncertain (that needs noise of -2,146 Wh, over four times the 95 % margin).
        made = create_class(server.home, "--name", "3B", "--period", "day")
        for period, students in ((PERIODS[0], 2), (PERIODS[1], 16)):
            at(clock, (date.fromisoformat(period) + timedelta(days=1)).isoformat(), 10)
            for _ in range(students):
                name = secrets.token_urlsafe(32)
                post_json(f"{server.url}/api/v1/join", {"code": made["join_code"],
                                                        "pseudonym": name})
                post_json(f"{server.url}/api/v1/submissions", {
                    "class_id": made["class_id"], "period": period, "pseudonym": name,
                    "prompts": 20, "images": 10})
        # Released as too uncertain: written as the class server stores a release.
        db = open_database(server.home / "data" / "aggregator.db")
        try:
            db.insert("releases", {
                "class_id": made["class_id"], "period": PERIODS[2], "status": "too_uncertain",
                "band": "5-9", "epsilon": 1.0, "half_width_wh": 494.3,
                "released_at": datetime.now().isoformat(), "test_clock": 1})
        finally:
            db.close()
        at(clock, (FIRST + timedelta(days=3)).isoformat(), 10)
        yield server, made
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_report(browser, server, made, lang, viewport):
    context = browser.new_context(viewport=viewport, locale=lang)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/teacher?lang={lang}")
    page.fill("input[name=class_id]", made["class_id"])
    page.fill("input[name=teacher_key]", made["teacher_key"])
    page.click("#report-form button[type=submit]")
    page.locator("#periods tbody tr").first.wait_for()
    return context, page, errors


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"teacher-{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_teacher_page_shows_each_period_with_units_margins_and_status(
        browser, world, lang):
    server, made = world
    context, page, errors = open_report(browser, server, made, lang, LAPTOP)
    rows = page.locator("#periods tbody tr:not(.equivalents)")
    texts = [row.inner_text() for row in rows.all()]
    labels = [period_label("day", period, lang) for period in PERIODS]
    assert [text.split("\t")[0] for text in texts] == labels
    assert TEXT("not_enough", lang) in texts[0] and TEXT("too_uncertain", lang) in texts[2]
    released = texts[1]
    # One energy total in kWh with its stated 95 % margin and interval; no counts.
    assert re.search(r"\d kWh ±\d+ Wh \(\d([,.]\d)? kWh – \d([,.]\d)? kWh\)", released), \
        released
    assert "10-19" in released and "494" in released
    headings = page.locator("#periods thead th").all_inner_texts()
    assert [TEXT(key, lang) for key in ("prompts", "images")] not in headings
    assert len(headings) == 5
    equivalents = page.locator("#periods tr.equivalents").inner_text()
    assert equivalents.startswith(TEXT.template("equivalents", lang).split("{")[0])
    assert page.locator("#chart .chart-row").count() == 1  # only the released period
    assert "hypothe" in page.locator("#compare").inner_text()
    waiting = page.locator("#next-release").inner_text()
    assert TEXT.template("next_release", lang).split("{")[0] in waiting
    calculator = page.locator("#calc-result")
    assert "2,1 kWh" in calculator.inner_text() or "2.1 kWh" in calculator.inner_text()
    page.fill("#calc input[name=days]", "5")
    assert "10,5 kWh" in calculator.inner_text() or "10.5 kWh" in calculator.inner_text()
    page.fill("#calc input[name=days]", "1")
    shoot(page, f"{lang}-desktop")
    assert made["teacher_key"] not in page.url

    # The key is asked once per tab: a reload shows the report without the form.
    page.reload()
    page.locator("#periods tbody tr").first.wait_for()
    assert page.locator("#report-form").is_hidden()
    assert made["teacher_key"] not in page.url

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, f"{lang}-phone")

    page.set_viewport_size(LAPTOP)
    page.emulate_media(media="print")
    shoot(page, f"{lang}-print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"teacher-{lang}.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the class result fits one A4
    assert errors == []

    # Another tab (a new session) asks for the key again; "Other class" forgets it.
    other = context.browser.new_context(viewport=LAPTOP).new_page()
    other.goto(f"{server.url}/teacher?lang={lang}")
    assert other.locator("#report-form").is_visible()
    other.context.close()
    page.emulate_media(media="screen")
    page.click("#other-class")
    page.reload()
    assert page.locator("#report-form").is_visible()
    context.close()


def test_a_wrong_key_is_said_in_the_pages_language_and_not_kept(browser, world):
    server, made = world
    page = browser.new_page()
    page.goto(f"{server.url}/teacher?lang=nl")
    page.fill("input[name=class_id]", made["class_id"])
    page.fill("input[name=teacher_key]", "wrong")
    page.click("#report-form button[type=submit]")
    page.get_by_text(TEXT("key_wrong", "nl")).wait_for()
    assert page.evaluate("sessionStorage.length") == 0
    page.close()


def test_the_teacher_closes_and_reopens_joining_on_the_page(browser, world):
    server, made = world
    context, page, errors = open_report(browser, server, made, "nl", LAPTOP)
    state = page.locator("#joining-state")
    assert state.inner_text().startswith("18 van 40 plaatsen bezet; meedoen staat open")
    page.click("#toggle-joining")
    page.get_by_text("meedoen is gesloten").wait_for()
    refused = urllib.request.Request(
        f"{server.url}/api/v1/join", headers={"Content-Type": "application/json"},
        data=json.dumps({"code": made["join_code"],
                         "pseudonym": secrets.token_urlsafe(32)}).encode())
    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(refused, timeout=10)
    assert closed.value.code == 409
    closed.value.close()
    page.fill("#seats-form input[name=seats]", "25")
    page.click("#seats-form button[type=submit]")
    page.get_by_text("18 van 25 plaatsen bezet").wait_for()
    page.click("#toggle-joining")
    page.get_by_text("meedoen staat open").wait_for()

    # Starting again: the page shows the new code, its join link and QR code, once.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#reset")
    page.get_by_text("0 van 25 plaatsen bezet").wait_for()
    fresh = page.locator("#new-code").inner_text()
    new_code = re.search(r"[A-Z0-9]{5}-[A-Z0-9]{5}", fresh)[0]
    link = fresh.splitlines()[-1]
    assert parse_join_link(link) == (server.url, new_code) and new_code != made["join_code"]
    assert page.locator("#new-qr").is_visible()
    assert page.evaluate("document.getElementById('new-qr').naturalWidth") > 0
    for code, status in ((made["join_code"], 404), (new_code, 200)):
        request = urllib.request.Request(
            f"{server.url}/api/v1/lookup", headers={"Content-Type": "application/json"},
            data=json.dumps({"code": code}).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                assert reply.status == status
        except urllib.error.HTTPError as error:
            assert error.code == status
            error.close()
    shoot(page, "nl-reset")
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_teacher_page_passes_the_accessibility_gate(browser, world, lang, viewport):
    """The gate of tests/test_accessibility.py on the teacher page: the key form, then the
    report with its periods, chart, calculator and seats; no critical or serious violation,
    and nothing wider than the screen."""
    from test_accessibility import assert_fits, violations

    server, made = world
    context = browser.new_context(viewport=viewport, locale=lang)
    page = context.new_page()
    page.goto(f"{server.url}/teacher?lang={lang}")
    page.wait_for_selector("input[name=teacher_key]")
    found = {"key form": violations(page)}
    page.fill("input[name=class_id]", made["class_id"])
    page.fill("input[name=teacher_key]", made["teacher_key"])
    page.click("#report-form button[type=submit]")
    page.locator("#periods tbody tr").first.wait_for()
    found["report"] = violations(page)
    if viewport is PHONE:
        assert_fits(page, PHONE["width"])
    context.close()
    assert found == {"key form": [], "report": []}
