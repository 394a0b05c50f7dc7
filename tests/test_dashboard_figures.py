"""The dashboard's figures as a reader checks them, in a real headless Chromium against the
real daemon process: the report to the digit under the calculator, and videos as their
own kind in the charts, the per-site table and the method. Screenshots go to
tests/artifacts/ (look at them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from aifootprint.model.scenario import ScenarioInputs, run_scenario
from daemon_process import start_daemon
from test_dashboard import CHROMIUM_ARGS, LAPTOP, event, shoot
from test_extension_smoke import CHROMIUM

SEEDED = [
    event(0, "sora.chatgpt.com", "video", 2), event(0, "chatgpt.com", "prompt", 3),
    event(1, "www.midjourney.com", "video", 1), event(1, "www.midjourney.com", "image", 4),
]


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    process = start_daemon(tmp_path_factory.mktemp("figures-home"))
    status, answer = process.post("/api/v1/events", {"events": SEEDED})
    assert status == 200 and answer["accepted"] == len(SEEDED)
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
def open_page(browser, daemon):
    """The dashboard in a language and role; fails on any script error."""
    pages, errors = [], []

    def opening(lang: str, role: str = "teacher"):
        daemon.request("PUT", "/api/v1/settings", {"lang": lang, "role": role,
                                                   "profile": None, "location": None})
        page = browser.new_page(viewport=LAPTOP)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(daemon.url + "/")
        page.wait_for_selector("body[data-state=ready]")
        pages.append(page)
        return page

    yield opening
    for page in pages:
        page.close()
    assert errors == []


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
def test_calculator_shows_the_report_to_the_digit(open_page, factors, lang, cells, reasons):
    page = open_page(lang)
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


def test_other_inputs_say_why_the_report_figures_are_gone(open_page):
    page = open_page("nl")
    page.locator("#report-figures table").wait_for()
    page.fill("input[name=students_per_class]", "30")
    expect(page.locator("#report-figures table")).to_have_count(0)
    expect(page.locator("#report-figures p")).to_contain_text("alleen naast de exacte berekening")
    page.click("#scenario-reset")
    expect(page.locator("#report-figures table")).to_have_count(1)
