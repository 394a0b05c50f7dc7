"""One product across popup, tray and dashboard, as a user would see it: a real headless
Chromium with the extension, paired with a real daemon process, the dashboard open in a
tab of the same browser, a second browser profile posting too, and the tray's own reading
code against the same daemon. One rig for the module; the tests build on each other.

Times are measured and printed; the assertions allow generous margins (a shared machine).
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from aifootprint.daemon.config import load_config
from aifootprint.desktop.tray import Tray, icon_number
from daemon_process import start_daemon

from .browser import ChromiumSession, popup_path, send_on_replica
from .session import Rig, open_dashboard, open_rig

SITE = "chatgpt.com"
GENEROUS_S = 10.0  # what a test waits at most; the figures printed are what matters
# A stray count (delivered within milliseconds on loopback) would have arrived by then.
SETTLE_S = 0.5  # (the badge showed a count 4-5 ms after the reply)


@pytest.fixture(scope="module", params=["chromium"])
def rig(request, tmp_path_factory):
    yield from open_rig(request, tmp_path_factory)


@pytest.fixture(scope="module")
def dashboard(rig):
    rig.daemon.request("PUT", "/api/v1/settings", {"role": "student", "lang": "en"})  # no welcome
    tab = rig.browser.new_tab()
    open_dashboard(tab, rig.daemon)
    tab.wait_for_function("document.body.dataset.state === 'ready' && document.body.dataset.live")
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def popup(rig):
    tab = rig.browser.new_tab()
    tab.goto(f"{rig.browser.extension_origin}/{popup_path()}")
    tab.wait_for_function("document.body.dataset.ready === 'true' && document.body.dataset.updates")
    yield tab
    tab.close()


def wait_until(condition, timeout_s: float = GENEROUS_S) -> float:
    """Seconds until condition() held (it is polled every 20 ms)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"not within {timeout_s} s")
        time.sleep(0.02)
    return time.monotonic() - started


def daemon_prompts(rig: Rig) -> int:
    return rig.summary()["prompts"]


def popup_prompts(popup) -> int:
    return int(popup.evaluate("document.getElementById('prompts').textContent"))


def dashboard_prompts(dashboard) -> int:
    return int(dashboard.evaluate("document.getElementById('today-prompts').textContent"))


def tray_today(rig: Rig) -> dict:
    """What the tray shows: its own reading code against the daemon (no icon needed)."""
    tray = Tray(load_config(home=rig.home), SimpleNamespace(url=rig.daemon.url), None)
    return tray.read_state().summary


def badge(popup) -> str:
    return popup.evaluate("chrome.action.getBadgeText({})")


def test_paused_in_the_tray_with_no_popup_open_the_extension_counts_nothing(rig):
    """First in the module: no popup or dashboard is open yet to tell the extension."""
    assert rig.send(SITE, "Before the pause") == "done"
    wait_until(lambda: daemon_prompts(rig) == 1)
    own_before = own_prompts(rig)  # (reading it opens an extension page: before the pause)
    tray = Tray(load_config(home=rig.home), SimpleNamespace(url=rig.daemon.url), None)
    tray.call("PUT", "/settings", {"paused": True})  # what the tray's Pause item does
    assert rig.send(SITE, "During the pause") == "done"
    time.sleep(SETTLE_S)
    assert (daemon_prompts(rig), own_prompts(rig)) == (1, own_before)
    tray.call("PUT", "/settings", {"paused": False})


def test_a_prompt_shows_on_the_open_dashboard_and_the_badge_without_a_reload(rig, dashboard,
                                                                             popup):
    before = daemon_prompts(rig)
    assert rig.send(SITE, "How do plants breathe?") == "done"
    sent = time.monotonic()
    on_badge = wait_until(lambda: badge(popup) == str(before + 1))
    wait_until(lambda: dashboard_prompts(dashboard) == before + 1)
    total = time.monotonic() - sent
    print(f"\nbadge {1000 * on_badge:.0f} ms, dashboard {1000 * total:.0f} ms after the "
          "replica's reply ended")
    assert daemon_prompts(rig) == before + 1 == popup_prompts_after_update(popup, before + 1)
    assert on_badge < 5 and total < 5
    assert popup.evaluate("document.body.dataset.source") == "daemon"


def popup_prompts_after_update(popup, expected: int) -> int:
    wait_until(lambda: popup_prompts(popup) == expected)
    return popup_prompts(popup)


def own_prompts(rig: Rig, popup=None) -> int:
    """This browser's own ledger: what the extension itself counted today (asked from the
    open popup when there is one, else from an extension page opened for it)."""
    status = (popup.evaluate("chrome.runtime.sendMessage({type: 'status'})") if popup
              else rig.extension_status())
    return sum(site["prompts"] for site in status["today"].values())


def test_pausing_in_the_dashboard_pauses_the_popup_and_nothing_is_counted(rig, dashboard,
                                                                          popup):
    before, own_before = daemon_prompts(rig), own_prompts(rig, popup)
    dashboard.click("#pause-toggle")
    shown = wait_until(lambda: popup.evaluate("document.getElementById('pause').checked"))
    print(f"\npaused in the dashboard: the open popup showed it after {1000 * shown:.0f} ms")
    assert popup.evaluate("!document.getElementById('paused-note').classList.contains('hidden')")
    assert rig.send(SITE, "Counted while paused?") == "done"
    time.sleep(SETTLE_S)  # a stray count would arrive by now
    assert daemon_prompts(rig) == before
    assert popup_prompts(popup) == before
    assert own_prompts(rig, popup) == own_before  # the extension itself counted nothing either
    dashboard.click("#pause-toggle")  # resume
    wait_until(lambda: not popup.evaluate("document.getElementById('pause').checked"))


def test_pausing_in_the_popup_pauses_the_dashboard_and_the_tray(rig, dashboard, popup):
    before, own_before = daemon_prompts(rig), own_prompts(rig, popup)
    popup.click("#pause")
    shown = wait_until(lambda: dashboard.evaluate(
        "document.getElementById('pause-toggle').getAttribute('aria-pressed') === 'true'"))
    print(f"\npaused in the popup: the open dashboard showed it after {1000 * shown:.0f} ms")
    tray = Tray(load_config(home=rig.home), SimpleNamespace(url=rig.daemon.url), None)
    assert tray.read_state().paused
    assert rig.send(SITE, "Counted while paused?") == "done"
    time.sleep(SETTLE_S)
    assert daemon_prompts(rig) == before and popup_prompts(popup) == before
    assert dashboard_prompts(dashboard) == before and own_prompts(rig, popup) == own_before
    popup.click("#pause")
    wait_until(lambda: not rig.daemon.get("/api/v1/settings")[1]["paused"])


def test_a_label_chosen_in_the_tray_is_the_popups_and_the_dashboards(rig, dashboard, popup):
    tray = Tray(load_config(home=rig.home), SimpleNamespace(url=rig.daemon.url), None)
    tray.call("PUT", "/settings", {"label": "study"})  # what the tray's menu item does
    wait_until(lambda: popup.evaluate("document.getElementById('label').value") == "study")
    wait_until(lambda: dashboard.evaluate(
        "document.getElementById('label-select').value") == "study")
    assert rig.send(SITE, "Label me") == "done"
    wait_until(lambda: any(label["name"] == "study" for label in rig.summary()["labels"]))


def test_two_browser_profiles_one_today_in_popup_dashboard_and_tray(rig, dashboard, popup,
                                                                    tmp_path):
    other = ChromiumSession(tmp_path / "second-profile", rig.replica.host_resolver_rules(),
                            playwright=rig.browser._playwright)
    with other:
        pairing = other.new_tab()
        open_dashboard(pairing, rig.daemon)
        pairing.goto(f"{rig.daemon.url}/pair")
        pairing.wait_for_function(
            "document.getElementById('pairing').dataset.state !== 'waiting'")
        chat = other.new_tab()
        chat.goto(other.site_url(SITE))
        before = daemon_prompts(rig)
        assert send_on_replica(chat, "From the second profile") == "done"
        assert send_on_replica(chat, "And again") == "done"
        assert rig.send(SITE, "From the first profile") == "done"
        wait_until(lambda: daemon_prompts(rig) == before + 3)
        wait_until(lambda: popup_prompts(popup) == before + 3)
        wait_until(lambda: dashboard_prompts(dashboard) == before + 3)
        tray = tray_today(rig)
        print(f"\ntoday: daemon {daemon_prompts(rig)}, popup {popup_prompts(popup)}, "
              f"dashboard {dashboard_prompts(dashboard)}, tray {tray['prompts']}")
        assert tray["prompts"] == popup_prompts(popup) == dashboard_prompts(dashboard)
        assert icon_number(tray) == badge(popup)
        # The first browser's own ledger counts only itself: the popup shows the daemon's.
        assert own_prompts(rig, popup) < popup_prompts(popup)


def test_offline_the_popup_says_this_browser_only_and_a_later_offline_pause_wins(rig, popup):
    rig.daemon.request("PUT", "/api/v1/settings", {"paused": False})
    rig.daemon.stop()
    try:
        popup.page.reload()
        popup.wait_for_function("document.body.dataset.ready === 'true'")
        assert popup.evaluate("document.body.dataset.source") == "browser"
        popup.click("#pause")  # offline: kept in the extension, with its time
        own_before = own_prompts(rig, popup)
        assert rig.send(SITE, "Offline and paused") == "done"
        time.sleep(SETTLE_S)
        assert rig.queued_events() == []  # not even queued for later
        assert own_prompts(rig, popup) == own_before
    finally:
        rig.daemon = start_daemon(rig.home, port=rig.daemon.port)
    # The pause made offline is later than the daemon's last change: it wins on reconnect.
    popup.page.reload()
    popup.wait_for_function("document.body.dataset.source === 'daemon'")
    assert rig.daemon.get("/api/v1/settings")[1]["paused"] is True
    popup.click("#pause")
    wait_until(lambda: rig.daemon.get("/api/v1/settings")[1]["paused"] is False)
