"""The dashboard's figures as a reader checks them, in a real headless Chromium against the
real daemon process: the report to the digit under the calculator, and videos as their
own kind in the charts, the per-site table and the method. Screenshots go to
tests/artifacts/ (look at them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import test_dashboard
from aifootprint.model.formatting import format_number
from aifootprint.model.scenario import ScenarioInputs, run_scenario
from daemon_process import start_daemon
from test_dashboard import event, shoot

# One Chromium for the module, and the page opener that fails on any script error (it
# opens this module's daemon).
browser = test_dashboard.browser
open_dashboard = test_dashboard.open_dashboard

SEEDED = [
    event(0, "sora.chatgpt.com", "video", 2), event(0, "chatgpt.com", "prompt", 3),
    event(0, "www.midjourney.com", "video", 1), event(0, "www.midjourney.com", "image", 4),
]  # all today: any day's week holds them


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    process = start_daemon(tmp_path_factory.mktemp("figures-home"))
    status, answer = process.post("/api/v1/events", {"events": SEEDED})
    assert status == 200 and answer["accepted"] == len(SEEDED)
    yield process
    process.stop()


def report_row(page, group: str, level: str, measure: str):
    return page.locator(f"#report-figures tbody[data-group={group}][data-level='{level}'] "
                        f"tr[data-measure={measure}]")


@pytest.mark.parametrize("lang, cells, reasons", [
    ("nl", {("headline", "vo+po", "cars_co2"): ["2.566", "2.604,1", "2.566", "[1] [2]"],
            ("headline", "vo+po", "people_water"): ["1.440", "1.439,2", "1.440", "[3]"],
            ("table_2", "vo", "households_electricity"): ["4,6", "4,561", "4,6", ""],
            ("figure_1", "po", "cars_co2"): ["71", "71,5", "71", "[2]"],
            ("training", "gpt-3", "cars_co2"): ["334", "336,8", "334", "[2]"]},
     "Het rapport rekent met 2,1 g CO2 per afbeelding"),
    ("en", {("headline", "vo+po", "households_electricity"): ["6,829", "6,828.9", "6,829", ""],
            ("figure_1", "vo", "cars_co2"): ["2,495", "2,532.5", "2,495", "[1] [2]"]},
     "The report uses 2.1 g CO2 per image"),
])
def test_calculator_shows_the_report_to_the_digit(open_dashboard, factors, lang, cells,
                                                  reasons):
    page = open_dashboard(lang=lang, role="teacher")
    page.locator("#report-figures table").wait_for()
    for (group, level, measure), texts in cells.items():
        row = report_row(page, group, level, measure)
        assert row.locator("td").all_inner_texts() == texts
    figures = run_scenario(factors, ScenarioInputs())["report_figures"]
    shown = page.locator("#report-figures .report-reasons li").all_inner_texts()
    assert shown[0].startswith(reasons)
    assert shown == [figures["reasons"][key][lang]
                     for key in ("co2_per_image", "car_km", "sum_of_rounded")]
    context = page.locator("#report-figures .report-context li").all_inner_texts()
    assert context == [text[lang] for text in figures["context"]]
    assert any("GPT-4" in text for text in context)
    shoot(page, f"report-figures-{lang}")


def test_other_inputs_say_why_the_report_figures_are_gone(open_dashboard):
    page = open_dashboard(lang="nl", role="teacher")
    page.locator("#report-figures table").wait_for()
    page.fill("input[name=students_per_class]", "30")
    expect(page.locator("#report-figures table")).to_have_count(0)
    expect(page.locator("#report-figures p")).to_contain_text("alleen naast de exacte berekening")
    page.click("#scenario-reset")
    expect(page.locator("#report-figures table")).to_have_count(1)
    expect(page.locator("#scenario-assumption")).to_have_text(
        "Cijfers: Rapport 2024 (standaard). Datacenter: Nederland (standaard).")
    page.select_option("#profile-select", "google-2025")
    expect(page.locator("#scenario-assumption")).to_contain_text("Cijfers: Google Gemini 2025")
    expect(page.locator("#report-figures table")).to_have_count(0)  # not the report's figures


@pytest.mark.parametrize("lang, words", [
    ("nl", {"lead": "In deze periode stelde je 3 vragen, maakte je 4 afbeeldingen en 3 video's.",
            "today": "Vandaag stelde je 3 vragen, maakte je 4 afbeeldingen en 3 video's.",
            "legend": "video's", "heading": "vragen / afbeeldingen / video's",
            "factor": "stroom per video", "bar": "3 vragen, 4 afbeeldingen, 3 video's",
            "high": "De bovengrens van de bandbreedte per afbeelding, 11,5 Wh, komt niet uit het "
                    "rapport"}),
    ("en", {"lead": "In this period you sent 3 prompts, made 4 images and 3 videos.",
            "today": "Today you sent 3 prompts, made 4 images and 3 videos.",
            "legend": "videos", "heading": "prompts / images / videos",
            "factor": "electricity per video", "bar": "3 prompts, 4 images, 3 videos",
            "high": "The upper end of the range per image, 11.5 Wh, is not the report's"}),
])
def test_videos_are_their_own_kind_in_charts_sites_and_method(open_dashboard, factors, lang,
                                                               words):
    page = open_dashboard(lang=lang)
    page.goto(page.url.split("?")[0] + "?period=week")
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#today-lead")).to_have_text(words["today"])
    lead = page.locator("#period-lead")
    expect(lead).to_have_text(words["lead"])
    assert lead.get_attribute("data-videos") == "3"
    chart = page.locator("#chart-uses")
    assert words["legend"] in chart.locator(".legend").inner_text()
    assert chart.locator("g.bar rect.s-videos").count() == 1  # today's bar only
    assert any(words["bar"] in title for title in chart.locator("g.bar title").all_text_contents())
    sites = page.locator("#per-site")
    assert words["heading"] in sites.locator("thead").inner_text()
    rows = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
            for row in sites.locator("tbody tr").all()}
    assert rows == {"sora.chatgpt.com": "0 / 0 / 2", "www.midjourney.com": "0 / 4 / 1",
                    "chatgpt.com": "3 / 0 / 0"}
    video = factors.video
    row = page.locator("#factors-table tbody tr", has_text=words["factor"])
    assert row.locator("td").all_inner_texts() == [
        f"{format_number(value, lang)} Wh" for value in (video.low, video.central, video.high)]
    assert factors.sources["video-energy-budget"].title in row.locator("th small").inner_text()
    expect(page.locator("#video-note")).to_be_visible()
    expect(page.locator("#image-high-note")).to_contain_text(words["high"])
    shoot(page, f"videos-dashboard-{lang}")


def test_people_are_whole_with_the_exact_value_on_hover(open_dashboard):
    """5.2 L of water is 'drinkwater voor 3 mensen', never '2,6 mensen'; the exact amount
    is the comparison's title (its tooltip)."""
    page = open_dashboard(lang="nl")
    water = page.locator("#today-water_ml-equivalent")
    exact = float(water.get_attribute("data-exact"))
    assert exact != round(exact)
    expect(water).to_contain_text(f"drinkwater voor {round(exact)} mensen")
    assert water.get_attribute("title") == f"Precies: {format_number(exact, 'nl', 2)}"


def test_an_api_error_reads_in_the_pages_language_not_the_browsers(browser, daemon):
    """The browser says en-US; the page is Dutch: the daemon's refusal is Dutch too. (Not
    through open_dashboard: Chromium logs the refused request's 422 as a console error.)"""
    daemon.request("PUT", "/api/v1/settings", {"lang": "nl", "role": "teacher"})
    context = browser.new_context(locale="en-US", viewport=test_dashboard.LAPTOP)
    page = context.new_page()
    daemon.log_in(page)  # the dashboard opens only with its session cookie
    page.locator("#report-figures table").wait_for()
    page.fill("input[name=students_per_class]", "0")
    expect(page.locator("#scenario-error")).to_contain_text(
        "students_per_class: moet minstens 1 zijn.")
    context.close()
