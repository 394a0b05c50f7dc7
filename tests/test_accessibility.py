"""The accessibility gate: axe-core (npm axe-core, injected from node_modules) in one real
headless Chromium with the extension loaded, on every page and dialog a user meets: the
dashboard in nl and en at 1280 and 390 px with the welcome dialog, the page itself, the
delete confirmation and the class-sharing join form; the popup, the options page and
/pair (the teacher page: tests/test_teacher_page.py). No critical or serious violation may
remain; and at 360 and 390 px no page is wider than the screen (no sideways scrolling).

axe's rules and impacts: https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from aggregator_process import create_class, start_aggregator
from daemon_process import REPO, start_daemon
from e2e.browser import ChromiumSession, missing_browser, popup_path

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONES = (360, 390)
# axe.run's answer cut to what a failure message needs: rule, impact, the first elements.
# Plus landmark-one-main (moderate): the options page had no main landmark (issue #14).
RUN_AXE = """axe.run(document, {resultTypes: ['violations']}).then((result) => result.violations
  .filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.id === 'landmark-one-main')
  .map((v) => `${v.impact} ${v.id}: ` +
    v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')))"""
# What sticks out sideways: the page, or an element wider than the screen.
TOO_WIDE = """(() => {
  const width = document.documentElement.clientWidth;
  // Inside a box that scrolls sideways itself (a wide table, the header's links): fine.
  const scrolledInside = (e) => {
    for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width && box.right > width + 1 && getComputedStyle(e).position !== 'fixed'
      && !scrolledInside(e);
  }).slice(0, 4).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`);
  return {scroll: document.documentElement.scrollWidth, width, wide};
})()"""

pytestmark = pytest.mark.skipif(
    bool(missing_browser("chromium")) or not AXE.exists(),
    reason="needs Debian's chromium and npm's axe-core (scripts/test.sh installs both)")


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    process = start_daemon(tmp_path_factory.mktemp("a11y-home"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("a11y-profile")
    with ChromiumSession(profile, "MAP none.invalid 127.0.0.1") as session:  # no site needed
        yield session


@pytest.fixture
def tab(browser):
    opened = browser.new_tab()
    yield opened
    opened.close()


def violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")  # not subject to CSP
    return page.evaluate(RUN_AXE)


def assert_fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_timeout(50)  # a layout pass
    fit = page.evaluate(TOO_WIDE)
    assert fit["scroll"] <= fit["width"] and not fit["wide"], (width, fit)


def open_dashboard(tab, daemon, lang: str, width: int, welcome: bool, role: str = "student"):
    role = None if welcome else role
    daemon.request("PUT", "/api/v1/settings", {"lang": lang, "role": role})
    page = tab.page
    page.set_viewport_size({"width": width, "height": 900})
    daemon.log_in(page)  # the dashboard opens only with its session cookie
    tab.wait_for_function("document.body.dataset.state === 'ready'")  # (the CSP: no eval)
    if welcome:
        page.wait_for_selector("#welcome[open]")
    return page


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_dashboard_and_its_dialogs_pass_axe(tab, daemon, lang, width):
    page = open_dashboard(tab, daemon, lang, width, welcome=True)
    found = {"welcome": violations(page)}
    page.click("#welcome button[type=submit]")
    page.wait_for_selector("#welcome:not([open])", state="attached")
    page.wait_for_selector("#class-sharing form, #class-sharing button")  # the join form
    found["page"] = violations(page)
    page.click("#forget-form button[type=submit]")
    page.wait_for_selector("#confirm-forget[open]")
    found["delete"] = violations(page)
    page.click("#confirm-forget button[value=cancel]")
    assert found == {"welcome": [], "page": [], "delete": []}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_dashboard_fits_a_phone(tab, daemon, lang):
    page = open_dashboard(tab, daemon, lang, 390, welcome=False)
    for width in PHONES:
        assert_fits(page, width)


def long_names_used_today(daemon) -> None:
    """Today's counts on the longest host names the sites have, so wide rows are drawn."""
    now = datetime.now(UTC).isoformat()
    events = [{"id": str(uuid.uuid4()), "ts": now, "site": site, "kind": "image", "count": 4}
              for site in ("www.midjourney.com", "copilot.microsoft.com", "gemini.google.com")]
    assert daemon.post("/api/v1/events", {"events": events})[0] == 200


# /pair first: it pairs the extension, so the popup then shows the daemon's today.
@pytest.mark.parametrize("name", ["pair", "popup", "options"])
def test_extension_pages_and_pair_pass_axe_and_fit_a_phone(tab, browser, daemon, name):
    if name == "popup":
        long_names_used_today(daemon)
    url = {"popup": f"{browser.extension_origin}/{popup_path()}",
           "options": f"{browser.extension_origin}/options.html",
           "pair": f"{daemon.url}/pair"}[name]
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 800})
    if name == "pair":  # /pair pairs a browser logged in to the dashboard
        daemon.log_in(page)
    page.goto(url)
    tab.wait_for_function("document.body.dataset.ready === 'true'" if name != "pair"
                          else "document.readyState === 'complete'")
    if name == "popup":
        tab.wait_for_function("document.body.dataset.source === 'daemon'")
    assert violations(page) == []
    for width in PHONES:
        assert_fits(page, width)


def test_class_consent_and_member_views_pass_axe_and_fit_a_phone(tab, daemon, tmp_path):
    """The join form's preview (what would be sent, before the student's yes) and the
    member's view, with a real class server on this computer."""
    aggregator = start_aggregator(tmp_path / "aggregator")
    try:
        klass = create_class(aggregator.home, "--name", "4A")
        page = open_dashboard(tab, daemon, "nl", 390, welcome=False)
        # One field: the teacher's join link (it names the class server) or the code.
        page.fill("#class-sharing input[name=join]",
                  f"{daemon.url}/#join={aggregator.url}&code={klass['join_code']}")
        page.click("#class-sharing form button[type=submit]")
        page.wait_for_selector("#class-sharing .class-preview", state="attached")  # in details
        found = {"consent": violations(page)}
        for width in PHONES:
            assert_fits(page, width)
        page.locator("#class-sharing .buttons button").first.click()  # Join
        page.wait_for_selector("#class-sharing button.danger")  # Leave: a member now
        found["member"] = violations(page)
        for width in PHONES:
            assert_fits(page, width)
        page.click("#class-sharing button.danger")
        page.wait_for_selector("#class-sharing form")
        assert found == {"consent": [], "member": []}
    finally:
        aggregator.stop()
