"""The dashboard in a real headless Chromium against the real daemon process.

Known events are posted through the API; the page must show exactly what the API
says, recompute everything when the profile or location changes, speak nl and en,
and never log a script error. Screenshots go to tests/artifacts/ (look at them).
"""

from __future__ import annotations

import json
import stat
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect, sync_playwright

from aifootprint.cli import main
from aifootprint.model.formatting import format_co2, format_energy, format_number, format_water
from aifootprint.model.scenario import ScenarioInputs, run_scenario
from daemon_process import start_daemon
from test_extension_smoke import CHROMIUM

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FORMATTERS = {"energy_wh": format_energy, "co2_g": format_co2, "water_ml": format_water}
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def event(days_ago: int, site: str, kind: str, count: int, label: str | None = None) -> dict:
    ts = datetime.now().astimezone() - timedelta(days=days_ago)
    item = {"id": str(uuid.uuid4()), "ts": ts.isoformat(), "site": site, "kind": kind,
            "count": count}
    return {**item, "label": label} if label else item


KNOWN_EVENTS = [
    event(0, "chatgpt.com", "prompt", 5, "homework"),
    event(0, "www.midjourney.com", "image", 2, "lesson-prep"),
    event(0, "claude.ai", "prompt", 1),
    event(1, "chatgpt.com", "prompt", 3, "homework"),
    event(8, "chatgpt.com", "prompt", 20, "homework"),
    event(20, "claude.ai", "prompt", 4),
]


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    process = start_daemon(tmp_path_factory.mktemp("dashboard-home"))
    status, answer = process.post("/api/v1/events", {"events": KNOWN_EVENTS})
    assert status == 200 and answer["accepted"] == len(KNOWN_EVENTS)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_dashboard(browser, daemon):
    """Open the dashboard (a set role skips the welcome); fail on any script error."""
    pages, errors = [], []

    def opening(viewport=LAPTOP, lang="en", role="student", wait_ready=True):
        daemon.request("PUT", "/api/v1/settings", {"lang": lang, "role": role,
                                                   "profile": None, "location": None})
        page = browser.new_page(viewport=viewport, accept_downloads=True)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(daemon.dashboard_url())
        if wait_ready:
            page.wait_for_selector("body[data-state=ready]")
        pages.append(page)
        return page

    yield opening
    for page in pages:
        page.close()
    assert errors == []


def api(daemon, path: str) -> dict:
    status, answer = daemon.get(path)
    assert status == 200, answer
    return answer


def figure(page, metric: str) -> tuple[float, str]:
    element = page.locator(f"#today-{metric}")
    return float(element.get_attribute("data-value")), element.inner_text()


def expect_settings_saved(page):
    """Waits for the dashboard's PUT /settings: the page shows a choice before saving it."""
    return page.expect_response(lambda response: response.request.method == "PUT"
                                and response.url.endswith("/api/v1/settings"))


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_first_visit_asks_role_and_language_and_explains_tracking(open_dashboard, daemon):
    page = open_dashboard(role=None, wait_ready=False)
    welcome = page.locator("#welcome")
    welcome.wait_for(state="visible")
    assert "never" in welcome.inner_text().lower()
    page.check("#welcome input[name=lang][value=nl]")
    assert page.locator("#welcome-title").inner_text() == "Welkom bij AI Footprint"
    page.check("#welcome input[name=role][value=teacher]")
    shoot(page, "welcome-nl")
    with expect_settings_saved(page):
        page.click("#welcome button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.locator("#scenario").wait_for(state="visible")
    expect(page.locator("#label-select")).to_have_value("lesson-prep")
    settings = api(daemon, "/api/v1/settings")
    assert (settings["role"], settings["lang"], settings["label"]) == ("teacher", "nl",
                                                                      "lesson-prep")


def test_today_figures_equal_the_api(open_dashboard, daemon):
    page = open_dashboard()
    summary = api(daemon, "/api/v1/summary")
    assert (summary["prompts"], summary["images"]) == (6, 2)
    assert page.locator("#today-prompts").inner_text() == "6"
    assert page.locator("#today-images").inner_text() == "2"
    for metric, formatter in FORMATTERS.items():
        value, text = figure(page, metric)
        assert value == summary[metric]
        assert text == formatter(summary[metric], "en")
        low, high = summary["range"][metric]["low"], summary["range"][metric]["high"]
        assert page.locator(f"#today-{metric}-range").inner_text() == (
            f"range: between {formatter(low, 'en')} and {formatter(high, 'en')}")
        equivalent = next(e for e in summary["equivalents"] if e["metric"] == metric)
        assert equivalent["text"]["en"] in page.locator(f"#today-{metric}-equivalent").inner_text()
    assert page.locator("#scenario").is_hidden()  # a student sees no teacher features
    shoot(page, "laptop-en")


def test_profile_and_location_recompute_every_figure(open_dashboard, daemon):
    page = open_dashboard()
    table = api(daemon, "/api/v1/factors")["table"]
    # The answer for the first choice (still location NL) arrives after the second's: the
    # page must show the newest choice, not the last answer.
    page.evaluate("""() => {
      const fetchNow = window.fetch;
      window.fetch = (url, options) => String(url).includes("location=NL")
        ? new Promise((done) => setTimeout(done, 700)).then(() => fetchNow(url, options))
        : fetchNow(url, options);
    }""")
    page.select_option("#profile-select", "google-2025")
    page.select_option("#location-select", "FR")
    profile, location = table["profiles"]["google-2025"], table["locations"]["FR"]
    energy = 6 * profile["prompt"]["central"] + 2 * profile["image"]["central"]
    expected = {"energy_wh": energy, "co2_g": energy * location["grid_g_per_kwh"] / 1000,
                "water_ml": energy * location["water_ml_per_wh"]}
    expect(page.locator("#factors-table")).to_contain_text("57 g")
    for metric, value in expected.items():
        expect(page.locator(f"#today-{metric}")).to_have_text(FORMATTERS[metric](value, "en"))
    page.wait_for_timeout(1000)  # the late answers for location NL have come in by now
    override = api(daemon, "/api/v1/summary?profile=google-2025&location=FR")
    for metric, value in expected.items():
        shown, text = figure(page, metric)
        assert shown == pytest.approx(value) == override[metric]
        assert text == FORMATTERS[metric](value, "en")
    site_row = page.locator("#per-site tbody tr", has_text="chatgpt.com")
    week = 8 * profile["prompt"]["central"]  # chatgpt.com in the last 7 days: 5 + 3 prompts
    assert format_energy(week, "en") in site_row.inner_text()


def test_dutch_and_english_both_render(open_dashboard, daemon):
    page = open_dashboard(lang="nl")
    summary = api(daemon, "/api/v1/summary")
    assert page.locator("#today-title").inner_text() == "Vandaag"
    assert page.locator("#today-co2_g").inner_text() == format_co2(summary["co2_g"], "nl")
    assert "," in format_co2(summary["co2_g"], "nl")  # the Dutch decimal comma is exercised
    assert page.locator("html").get_attribute("lang") == "nl"
    shoot(page, "laptop-nl")
    with expect_settings_saved(page):
        page.select_option("#lang-select", "en")
    expect(page.locator("#today-title")).to_have_text("Today")
    assert api(daemon, "/api/v1/settings")["lang"] == "en"
    keys = page.evaluate("import('/static/strings.js').then(m => "
                         "[Object.keys(m.STRINGS.nl).sort(), Object.keys(m.STRINGS.en).sort()])")
    assert keys[0] == keys[1]


# ---- periods: the bounds the dashboard must use (periods.js), computed here on their own ----

def period_of(kind: str, day: date) -> tuple[date, date]:
    """Week Monday-Sunday, calendar month, terms Aug-Dec, Jan-Mar, Apr-Jul, school year
    1 August - 31 July (docs/dashboard.md)."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if kind == "month":
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    school_year = day.year if day.month >= 8 else day.year - 1
    if kind == "year":
        return date(school_year, 8, 1), date(school_year + 1, 7, 31)
    if day.month >= 8:
        return date(school_year, 8, 1), date(school_year, 12, 31)
    if day.month <= 3:
        return date(day.year, 1, 1), date(day.year, 3, 31)
    return date(day.year, 4, 1), date(day.year, 7, 31)


def spans(kind: str, today: date, custom: tuple[date, date] | None = None):
    """(shown, compared): the days up to today, and as many from the period before's start."""
    first, last = custom or period_of(kind, today)
    shown = (first, min(last, today))
    length = (shown[1] - shown[0]).days + 1
    if custom:
        return shown, (first - timedelta(days=length), first - timedelta(days=1))
    before = period_of(kind, first - timedelta(days=1))
    return shown, (before[0], min(before[1], before[0] + timedelta(days=length - 1)))


def days_total(daemon, first: date, last: date) -> dict:
    """What the API's days add up to."""
    days = api(daemon, f"/api/v1/days?from={first}&to={last}")
    total = {key: sum(day[key] for day in days) for key in ("prompts", "images", *FORMATTERS)}
    for end in ("low", "high"):
        total[end] = {metric: sum(day["range"][metric][end] for day in days)
                      for metric in FORMATTERS}
    return total


def trend(now: float, before: float) -> str:
    if now == 0 and before == 0:
        return "compare_empty"
    if before == 0:
        return "compare_first"
    if abs(now - before) / before < 0.05:
        return "compare_same"
    return "compare_down" if now < before else "compare_up"


def choose(page, kind: str, custom: tuple[date, date] | None = None) -> list[tuple[str, str]]:
    """Pick a view as a student would; the (from, to) of each /days call it made."""
    calls = []
    page.on("request", lambda request: calls.append(request.url)
            if "/api/v1/days" in request.url else None)
    rendered = int(page.locator("#history").get_attribute("data-rendered") or 0)
    page.check(f"input[name=period][value={kind}]")
    if custom:
        page.locator("#history[data-kind=custom]").wait_for()
        page.fill("#custom-from", custom[0].isoformat())
        page.fill("#custom-to", custom[1].isoformat())
        rendered = int(page.locator("#history").get_attribute("data-rendered"))
        page.click("#custom-form button[type=submit]")
    page.locator(f'#history[data-rendered="{rendered + 1}"]').wait_for()
    found = []
    for url in calls[-2:]:
        query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        found.append((query["from"][0], query["to"][0]))
    return found


def test_week_view_shows_charts_breakdowns_and_the_week_before(open_dashboard, daemon):
    page = open_dashboard()
    today = date.today()
    assert page.locator("#history").get_attribute("data-kind") == "week"
    assert page.locator("#chart-uses svg.bar-chart g.bar").count() == 7  # Monday to Sunday
    shown, compared = spans("week", today)
    now, before = (days_total(daemon, *span)["energy_wh"] for span in (shown, compared))
    compare = page.locator("#period-compare")
    assert compare.get_attribute("data-trend") == trend(now, before)
    assert (compare.get_attribute("data-from"), compare.get_attribute("data-to")) == tuple(
        d.isoformat() for d in compared)
    assert format_energy(now, "en") in compare.inner_text()
    labels = page.locator("#per-label tbody").inner_text()
    assert "homework" in labels
    page.check("input[name=period][value=month]")
    expect(page.locator("#chart-uses svg.bar-chart g.bar")).to_have_count(
        (period_of("month", today)[1] - period_of("month", today)[0]).days + 1)
    page.set_viewport_size(PHONE)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"]  # no sideways scrolling of the whole page
    shoot(page, "phone-en")


def test_the_comparison_is_told_positively(open_dashboard, daemon):
    """Custom ranges pin the numbers: 3 + 5 + 1 prompts and 2 images (53 Wh) in the last
    8 days against the 20 prompts (80 Wh) of the 8 days before."""
    page = open_dashboard()
    today = date.today()
    choose(page, "custom", (today - timedelta(days=7), today))
    compare = page.locator("#period-compare")
    assert compare.get_attribute("data-trend") == "compare_down"
    assert compare.inner_text().startswith("Nice: your electricity use went down by 34 % "
                                           "compared with ")
    assert "(53 Wh instead of 80 Wh)" in compare.inner_text()
    choose(page, "custom", (today - timedelta(days=15), today - timedelta(days=8)))
    assert compare.get_attribute("data-trend") == "compare_up"  # 20 prompts against 4
    assert compare.inner_text().endswith("Every prompt you skip or combine counts.")
    choose(page, "custom", (today - timedelta(days=22), today - timedelta(days=16)))
    assert compare.get_attribute("data-trend") == "compare_first"
    assert "later you can compare" in compare.inner_text()
    page.fill("#custom-from", today.isoformat())
    page.fill("#custom-to", (today - timedelta(days=3)).isoformat())
    page.click("#custom-form button[type=submit]")
    expect(page.locator("#custom-error")).to_be_visible()


@pytest.mark.parametrize("kind", ["week", "month", "term", "year", "custom"])
def test_each_period_shows_what_the_apis_days_add_up_to(open_dashboard, daemon, kind):
    page = open_dashboard(lang="nl")
    today = date.today()
    custom = (today - timedelta(days=24), today - timedelta(days=2)) if kind == "custom" else None
    if kind == "week":  # the default: switch away and back, to see its two calls
        choose(page, "month")
    calls = choose(page, kind, custom)
    shown, compared = spans(kind, today, custom)
    # Exactly two /days calls: the days shown and the days they are compared with.
    assert calls == [tuple(d.isoformat() for d in span) for span in (shown, compared)]
    total, before = days_total(daemon, *shown), days_total(daemon, *compared)
    history = page.locator("#history")
    assert (history.get_attribute("data-from"), history.get_attribute("data-to")) == (
        shown[0].isoformat(), shown[1].isoformat())
    for metric, formatter in FORMATTERS.items():
        element = page.locator(f"#period-{metric}")
        assert float(element.get_attribute("data-value")) == pytest.approx(total[metric])
        assert element.inner_text() == formatter(total[metric], "nl")
        if total[metric]:
            assert page.locator(f"#period-{metric}-range").inner_text() == (
                f"bandbreedte: tussen {formatter(total['low'][metric], 'nl')} en "
                f"{formatter(total['high'][metric], 'nl')}")
            assert page.locator(f"#period-{metric}-equivalent").inner_text().startswith(
                "Dat is ongeveer ")
    lead = page.locator("#period-lead").inner_text()
    if total["prompts"]:
        assert f"stelde je {total['prompts']} vra" in lead
    compare = page.locator("#period-compare")
    assert compare.get_attribute("data-trend") == trend(total["energy_wh"], before["energy_wh"])
    if total["energy_wh"]:
        assert format_energy(total["energy_wh"], "nl") in compare.inner_text()
    if before["energy_wh"] and total["energy_wh"]:
        assert format_energy(before["energy_wh"], "nl") in compare.inner_text()
    assert page.locator("#chart-uses svg.bar-chart g.bar").count() <= 31
    if kind in ("week", "month", "year"):
        shoot(page, f"period-{kind}-nl")


def test_the_choice_survives_a_reload(open_dashboard, daemon):
    page = open_dashboard()
    today = date.today()
    choose(page, "month")
    page.click("#period-earlier")
    before = period_of("month", period_of("month", today)[0] - timedelta(days=1))
    expect(page.locator("#history")).to_have_attribute("data-from", before[0].isoformat())
    expect(page.locator("#period-later")).to_be_enabled()
    assert "period=month" in page.url and f"date={before[0]}" in page.url
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#history")).to_have_attribute("data-from", before[0].isoformat())
    assert page.locator("input[name=period][value=month]").is_checked()
    page.click("#period-later")
    expect(page.locator("#history")).to_have_attribute(
        "data-from", period_of("month", today)[0].isoformat())
    expect(page.locator("#period-later")).to_be_disabled()
    assert "date=" not in page.url  # the current month: tomorrow's reload shows tomorrow's
    custom = (today - timedelta(days=9), today - timedelta(days=3))
    choose(page, "custom", custom)
    page.reload()
    page.wait_for_selector("body[data-state=ready]")
    assert page.locator("#custom-from").input_value() == custom[0].isoformat()
    expect(page.locator("#history")).to_have_attribute("data-to", custom[1].isoformat())


# ---- empty and error states -----------------------------------------------------

@pytest.fixture
def own_daemon(tmp_path):
    """A daemon of the test's own (no events unless the test posts them)."""
    started = []

    def starting(events=(), port=None, home=None):
        process = start_daemon(home or tmp_path / f"home-{len(started)}", port=port)
        if events:
            assert process.post("/api/v1/events", {"events": list(events)})[0] == 200
        process.request("PUT", "/api/v1/settings", {"lang": "en", "role": "student"})
        started.append(process)
        return process

    yield starting
    for process in started:
        process.stop()


def open_page(browser, process, viewport=LAPTOP):
    page = browser.new_page(viewport=viewport)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(process.dashboard_url())
    page.wait_for_selector("body[data-state=ready]")
    return page, errors


def tick_texts(page, chart: str) -> list[str]:
    return page.locator(f"{chart} svg text.axis-tick").all_text_contents()


def test_not_paired_yet_says_how_to_pair(browser, own_daemon):
    process = own_daemon()
    assert api(process, "/api/v1/summary")["any_counts"] is False
    page, errors = open_page(browser, process)
    note = page.locator("#unpaired-note")
    expect(note).to_be_visible()
    assert catalogue_text("en", "dashboard_unpaired_text") in note.inner_text()
    link = note.locator("a")
    assert link.get_attribute("href") == "/pair"
    assert link.inner_text() == catalogue_text("en", "dashboard_unpaired_link")
    assert page.locator("#today-lead").inner_text() == catalogue_text(
        "en", "dashboard_today_lead_none")
    # Zero use: a figure, but no range of 0 to 0 and no '0 phone charges'.
    body = page.locator("main").inner_text()
    assert "0 phone charges" not in body and "That is about" not in body
    assert page.locator("#today-energy_wh-range").inner_text() == ""
    assert page.locator("#period-energy_wh-equivalent").inner_text() == ""
    # Counts get whole ticks only (never 0.5 prompts); an empty chart says so.
    assert tick_texts(page, "#chart-uses") == ["0", "1"]
    assert page.locator("#chart-uses svg text.empty").text_content() == catalogue_text(
        "en", "dashboard_chart_empty")
    assert page.locator("#period-compare").get_attribute("data-trend") == "compare_empty"
    with page.expect_popup() as popup:
        link.click()
    expect(popup.value.locator("#pairing")).to_be_attached()  # the daemon's pair page
    popup.value.close()
    shoot(page, "empty-unpaired-en")
    assert errors == []


def test_nothing_today_but_counted_before(browser, own_daemon):
    process = own_daemon([event(3, "chatgpt.com", "prompt", 3)])
    page, errors = open_page(browser, process)
    expect(page.locator("#unpaired-note")).to_be_hidden()
    assert page.locator("#today-lead").inner_text() == catalogue_text(
        "en", "dashboard_today_lead_none")
    assert page.locator("#today-prompts").inner_text() == "0"
    assert page.locator("#today-energy_wh-equivalent").inner_text() == ""
    choose(page, "custom", (date.today() - timedelta(days=6), date.today()))
    assert tick_texts(page, "#chart-uses") == ["0", "5"]  # 3 prompts: no tick at 2.5
    assert errors == []


def test_paused_says_so_and_resumes(browser, own_daemon):
    process = own_daemon([event(0, "chatgpt.com", "prompt", 1)])
    process.request("PUT", "/api/v1/settings", {"paused": True})
    page, errors = open_page(browser, process)
    note = page.locator("#paused-note")
    expect(note).to_be_visible()
    assert catalogue_text("en", "dashboard_paused_note") in note.inner_text()
    with expect_settings_saved(page):
        note.locator("button").click()
    expect(note).to_be_hidden()
    assert api(process, "/api/v1/settings")["paused"] is False
    assert errors == []


def test_daemon_not_running_says_how_to_start_it(browser, own_daemon, tmp_path):
    home = tmp_path / "stopped"
    process = own_daemon([event(0, "chatgpt.com", "prompt", 2)], home=home)
    page, errors = open_page(browser, process)
    process.stop()
    page.check("input[name=period][value=month]")  # the page needs data it cannot get
    note = page.locator("#offline-note")
    expect(note).to_be_visible()
    assert catalogue_text("en", "dashboard_offline_title") in note.inner_text()
    assert '"aifootprint run"' in note.inner_text()
    expect(page.locator("body")).to_have_attribute("data-state", "offline")
    shoot(page, "error-offline-en")
    own_daemon(port=process.port, home=home)  # started again: same home, same key
    note.locator("button").click()
    expect(note).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    expect(page.locator("#history")).to_have_attribute("data-kind", "month")
    assert "2 prompts" in page.locator("#period-lead").inner_text()
    assert errors == []


def test_scenario_calculator_uses_the_cli_model(open_dashboard, daemon, factors):
    page = open_dashboard(role="teacher")
    page.locator("#scenario-results table").first.wait_for()
    cell = "#scenario-results table[data-level=vo] tr[data-scale=class_day] td[data-metric={}]"
    expected = run_scenario(factors, ScenarioInputs())["levels"]["vo"]["class_day"]
    assert float(page.locator(cell.format("energy_wh")).get_attribute("data-value")) == \
        pytest.approx(expected["energy_wh"])
    page.fill("input[name=students_per_class]", "30")
    changed = run_scenario(factors, ScenarioInputs(students_per_class=30))["levels"]["vo"]
    expect(page.locator(cell.format("co2_g"))).to_contain_text(
        format_co2(changed["class_day"]["co2_g"], "en"))
    text = page.locator(cell.format("energy_wh")).inner_text()
    assert format_energy(changed["class_day"]["energy_wh"], "en") in text
    shoot(page, "scenario-teacher")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/scenario", {"students_per_class": 0}, "students_per_class"),
    ("/api/v1/scenario", {"vo": {"images_per_student": 1}}, "vo.prompts_per_student"),
    ("/api/v1/scenario", {"location": "MARS"}, "location"),
    ("/api/v1/scenario", {"students_per_class": 1e200}, "students_per_class"),
    ("/api/v1/forget", {"all": False}, "before"),
    ("/api/v1/forget", {"before": "yesterday"}, "before"),
])
def test_dashboard_routes_refuse_bad_input_in_one_sentence(daemon, path, body, field):
    status, answer = daemon.post(path, body)
    assert status == 422
    assert answer["error"]["field"] == field and answer["error"]["message"].endswith(".")


def test_page_is_never_framed_and_keyboard_reachable(browser, open_dashboard, daemon):
    page = browser.new_page()
    daemon.log_in(page)
    headers = page.goto(daemon.url + "/").headers  # the dashboard itself, logged in
    page.close()
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    page = open_dashboard()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    unlabeled = page.evaluate("""[...document.querySelectorAll('input, select, button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.textContent.trim()).map(e => e.outerHTML)""")
    assert unlabeled == []


def test_export_then_forget_with_confirmation(open_dashboard, daemon):
    page = open_dashboard()
    with page.expect_download() as download:
        page.click("#export-json")
    exported = json.loads(Path(download.value.path()).read_text())
    assert len(exported["events"]) == len(KNOWN_EVENTS)
    with page.expect_download() as download:
        page.click("#export-csv")
    assert Path(download.value.path()).read_text().count("\n") == len(KNOWN_EVENTS) + 1
    page.click("#forget-form button[type=submit]")
    page.click("#confirm-forget button[value=cancel]")
    assert api(daemon, "/api/v1/summary")["prompts"] == 6  # cancelled: nothing deleted
    page.click("#forget-form button[type=submit]")
    page.click("#confirm-forget button[value=delete]")
    expect(page.locator("#today-prompts")).to_have_text("0")
    assert api(daemon, "/api/v1/summary")["prompts"] == 0
    assert format_number(len(KNOWN_EVENTS), "en") in page.locator("#data-message").inner_text()


def test_page_is_ready_fast_with_a_year_of_data(open_dashboard, daemon):
    """Runs last (after forget): a year of daily use, four sites a day."""
    year = [event(day, site, "prompt", 3, "homework") for day in range(365)
            for site in ("chatgpt.com", "claude.ai", "gemini.google.com", "copilot.microsoft.com")]
    for start in range(0, len(year), 500):
        status, _answer = daemon.post("/api/v1/events", {"events": year[start:start + 500]})
        assert status == 200
    started = time.monotonic()
    page = open_dashboard()
    seconds = time.monotonic() - started
    assert page.locator("#today-prompts").inner_text() == "12"
    print(f"dashboard ready with a year of data in {seconds:.2f} s")
    assert seconds < 3
    # Readable at 365 days: a school year by month, a year of dates by month, a term by week.
    today = date.today()
    year = (today - timedelta(days=365), today)
    for kind, custom, unit, most in [("year", None, "month", 12), ("custom", year, "month", 13),
                                     ("term", None, "week", 23), ("month", None, "day", 31)]:
        choose(page, kind, custom)
        shown, _compared = spans(kind, today, custom)
        assert page.locator("#history").get_attribute("data-unit") == unit
        bars = page.locator("#chart-uses svg.bar-chart g.bar").count()
        assert bars <= most
        labels = page.locator("#chart-uses svg text.tick").count()
        assert labels <= 13
        total = days_total(daemon, *shown)
        lead = page.locator("#period-lead")
        assert (lead.get_attribute("data-prompts"), lead.get_attribute("data-images")) == (
            str(total["prompts"]), str(total["images"]))
        assert float(page.locator("#period-energy_wh").get_attribute("data-value")) == \
            pytest.approx(total["energy_wh"])
        ticks = tick_texts(page, "#chart-uses")
        assert all(tick.replace(",", "").isdigit() for tick in ticks), ticks
    shoot(page, "year-of-data-en")


@pytest.mark.parametrize("locale, saved, expected", [
    ("nl-NL", None, "nl"), ("en-US", None, "en"), ("nl-NL", "en", "en"), ("en-US", "nl", "nl"),
])
def test_dashboard_speaks_the_browsers_language_until_one_is_saved(browser, daemon, locale,
                                                                     saved, expected):
    """A first visit from a Dutch browser is Dutch, welcome dialog and its choice included;
    a saved choice wins over the browser."""
    daemon.request("PUT", "/api/v1/settings", {"lang": saved, "role": None})
    context = browser.new_context(locale=locale, viewport=LAPTOP)
    try:
        page = context.new_page()
        page.goto(daemon.dashboard_url())
        expect(page.locator("#welcome")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == expected
        title = page.locator("#welcome-title").inner_text()
        assert title == catalogue_text(expected, "dashboard_welcome_title")
        assert page.locator("#welcome-form input[name=lang]:checked").get_attribute(
            "value") == expected
    finally:
        context.close()
        daemon.request("PUT", "/api/v1/settings", {"lang": "en", "role": "student"})


def test_the_dashboard_command_opens_a_private_page_that_logs_in(browser, daemon, monkeypatch):
    """What `aifootprint dashboard` gives the browser: a file only this user can read that
    refreshes to the login link; opened from a file (another site, to the browser), the
    SameSite=Strict cookie still reaches the dashboard."""
    monkeypatch.setenv("BROWSER", "true")  # the command's own browser: a no-op here
    result = CliRunner().invoke(main, ["dashboard", "--home", str(daemon.home), "--lang", "en"])
    assert result.exit_code == 0, result.output
    private = daemon.home / "data" / "open-dashboard.html"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    page = browser.new_page()
    try:
        page.goto(private.as_uri())
        page.wait_for_url(daemon.url + "/")
        page.wait_for_selector("body[data-state=ready]")
    finally:
        page.close()


def test_login_link_opens_the_dashboard_once_and_no_script_sees_a_secret(browser, daemon):
    """The one-time link sets an HttpOnly, SameSite=Strict cookie and goes on to /; the
    dashboard works on it; no page or script holds a token; a used link, or / without the
    cookie, says how to open the dashboard."""
    link = daemon.dashboard_url()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(link)
        page.wait_for_url(daemon.url + "/")  # the code left the address bar
        page.wait_for_selector("body[data-state=ready]")
        assert page.locator("#today-prompts").inner_text() != ""
        [cookie] = context.cookies()
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
        assert page.evaluate("document.cookie") == ""
        html = page.content()
        assert daemon.token not in html and daemon.extension_token not in html
        shoot(page, "dashboard-after-login-en")
    finally:
        context.close()
    stranger = browser.new_context()
    try:
        page = stranger.new_page()
        assert page.goto(link).status == 401  # used up
        assert "used or has expired" in page.inner_text("main")  # lang en was saved
        assert page.goto(daemon.url + "/").status == 401
        assert "aifootprint dashboard" in page.inner_text("main")
        shoot(page, "dashboard-login-needed-en")
        for path in ("/", "/pair", "/static/index.html"):
            body = page.goto(daemon.url + path).text()
            assert daemon.token not in body and daemon.extension_token not in body, path
    finally:
        stranger.close()


@pytest.mark.parametrize("locale, expected", [("nl-NL", "nl"), ("en-US", "en")])
def test_pair_page_speaks_the_browsers_language(browser, daemon, locale, expected):
    daemon.request("PUT", "/api/v1/settings", {"lang": None})
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(daemon.url + "/pair")
        assert page.evaluate("document.documentElement.lang") == expected
    finally:
        context.close()
        daemon.request("PUT", "/api/v1/settings", {"lang": "en"})


def catalogue_text(lang: str, key: str) -> str:
    locales = Path(__file__).parent.parent / "extension" / "_locales"
    return json.loads((locales / lang / "messages.json").read_text())[key]["message"]


def test_dashboard_shows_videos_as_their_own_kind(browser, tmp_path):
    """A video gets a count of its own, today and per site; it is never an image."""
    own = start_daemon(tmp_path / "home")
    try:
        own.request("PUT", "/api/v1/settings", {"lang": "nl", "role": "student"})
        status, _ = own.post("/api/v1/events", {"events": [
            event(0, "sora.chatgpt.com", "video", 2), event(0, "chatgpt.com", "prompt", 1)]})
        assert status == 200
        page = browser.new_page(viewport=LAPTOP)
        page.goto(own.dashboard_url())
        expect(page.locator("#today-videos")).to_have_text("2")
        expect(page.locator("#today-videos-count")).to_be_visible()
        expect(page.locator("#today-images")).to_have_text("0")
        assert "video's" in page.locator("#today-videos-count").inner_text()
        page.close()
    finally:
        own.stop()
