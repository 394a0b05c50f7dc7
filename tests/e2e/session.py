"""One user's session for the end-to-end tests: a browser with the extension, the real
daemon it is paired with (a temporary home, a free port) and the replica sites, and the
ways to read what the daemon and the extension hold. Each test module makes its own
(`open_rig`, module-scoped), so modules do not share a daemon or a delivery batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon_process import daemon_env, start_daemon

from .browser import (
    ChromiumSession,
    FirefoxSession,
    Tab,
    missing_browser,
    popup_path,
    send_on_replica,
)
from .replica.server import ReplicaServer

DELIVERY_TIMEOUT_S = 20
# Chosen so that a late duplicate or a stray count would show up before the assertion.
SETTLE_S = 2.0
SITE_SETTLE_S = 1.0


@dataclass
class Rig:
    """What one user has: a browser with the extension, the daemon it is paired with, and the
    replica sites. `marker` is in every typed prompt, so it can be looked for afterwards."""

    browser: ChromiumSession | FirefoxSession
    daemon: object
    replica: ReplicaServer
    home: Path
    marker: str
    tabs: dict[str, Tab]

    def restart_browser(self) -> None:
        """Quits the browser and starts it again on the same profile, as a user would."""
        self.tabs = {}
        self.browser.__exit__(None, None, None)
        self.browser = open_browser(self.browser.name, self.browser.profile_dir, self.replica)
        self.browser.__enter__()

    def open_popup(self) -> Tab:
        tab = self.browser.new_tab()
        tab.goto(f"{self.browser.extension_origin}/{popup_path()}")
        return tab

    def tab(self, page: str) -> Tab:
        """The open tab of a page, `host` or `host/path` (gemini.google.com/u/1/app)."""
        if page not in self.tabs:
            host, _, path = page.partition("/")
            self.tabs[page] = self.browser.new_tab()
            self.tabs[page].goto(self.browser.site_url(host, f"/{path}"))
        return self.tabs[page]

    def send(self, page: str, words: str = "", button: str = "#send") -> str:
        return send_on_replica(self.tab(page), f"{words} {self.marker}".strip(), button)

    def summary(self) -> dict:
        status, body = self.daemon.get("/api/v1/summary")
        assert status == 200, body
        return body

    def extension_status(self) -> dict:
        """What the popup asks the background: today's local counts per site, the delivery
        queue, broken-adapter warnings (an extension page may send the 'status' message)."""
        return self._on_extension_page("runtime.sendMessage({type: 'status'})")

    def queued_events(self) -> list[dict]:
        """The events waiting in the extension's delivery queue, as they will be sent."""
        return self._on_extension_page("storage.local.get('queue')").get("queue", [])

    def _on_extension_page(self, call: str):
        tab = self.open_popup()
        try:
            return tab.evaluate(f"(globalThis.browser ?? globalThis.chrome).{call}")
        finally:
            tab.close()


def open_browser(name: str, profile: Path, replica: ReplicaServer):
    if name == "chromium":
        return ChromiumSession(profile, replica.host_resolver_rules())
    return FirefoxSession(profile, replica.hosts, replica.port)


def open_dashboard(tab: Tab, daemon) -> None:
    """As the tray opens it: a one-time login link, which goes on to the dashboard."""
    tab.goto(daemon.dashboard_url())
    tab.wait_for_function("location.pathname === '/' && document.readyState === 'complete'")


def pair(rig: Rig) -> None:
    """As a user pairs by hand: logged in to the dashboard, then /pair."""
    tab = rig.browser.new_tab()
    open_dashboard(tab, rig.daemon)
    tab.goto(f"{rig.daemon.url}/pair")
    tab.wait_for_function("document.getElementById('pairing').dataset.state !== 'waiting'")
    assert tab.evaluate("document.getElementById('pairing').dataset.state") == "paired"
    tab.close()


def open_rig(request, tmp_path_factory) -> Iterator[Rig]:
    """The body of a module-scoped `rig` fixture parametrized with the browser's name."""
    reason = missing_browser(request.param)
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI installs both browsers and puppeteer-core: {reason}")
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp(f"e2e-{request.param}")
    home = root / "home"
    home.mkdir()
    with ReplicaServer(root) as replica:
        daemon = start_daemon(home)
        try:
            browser = open_browser(request.param, root / "profile", replica).__enter__()
        except BaseException:
            daemon.stop()
            raise
        # restart tests replace rig.browser and rig.daemon: stop whichever run at the end
        rig = Rig(browser, daemon, replica, home, f"Zq{uuid.uuid4().hex}Mk", {})
        try:
            pair(rig)
            yield rig
        finally:
            rig.browser.__exit__(None, None, None)
            if rig.daemon.process.poll() is None:
                rig.daemon.stop()


def per_site(summary: dict) -> dict[str, tuple[int, int]]:
    """site -> (prompts, images) of the sites with any."""
    return {site["name"]: (site["prompts"], site["images"]) for site in summary["sites"]
            if site["prompts"] or site["images"]}


def wait_for_counts(rig: Rig, expected: dict[str, tuple[int, int]],
                    timeout_s: float = DELIVERY_TIMEOUT_S) -> dict:
    """Waits until the daemon holds `expected` (site -> (prompts, images)), then a little
    longer, and returns the summary; fails with what it holds if it never gets there."""
    deadline = time.monotonic() + timeout_s
    while per_site(rig.summary()) != expected and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(SETTLE_S)
    summary = rig.summary()
    assert per_site(summary) == expected
    return summary


def wait_for_site(rig: Rig, site: str, expected: tuple[int, int],
                  timeout_s: float = DELIVERY_TIMEOUT_S) -> tuple[int, int]:
    """The same for one site: its (prompts, images) once they are `expected` and have stayed
    so for SITE_SETTLE_S, or what the daemon holds at the timeout."""
    deadline = time.monotonic() + timeout_s
    while per_site(rig.summary()).get(site) != expected and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(SITE_SETTLE_S)
    return per_site(rig.summary()).get(site, (0, 0))


def exported_events(home: Path) -> list[dict]:
    """What `aifootprint export` writes for this home (the user's own copy of the data)."""
    result = subprocess.run([sys.executable, "-m", "aifootprint", "export", "--home", str(home)],
                            env=daemon_env(home), capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["events"]


def not_sent(rig: Rig, calls: list[tuple[str, str, str]], notes: list[tuple[str, str]] = ()
             ) -> list[tuple[str, ...]]:
    """The calls that must not count (host, method, path part) and the noted ones (host,
    what the replica noted) that the replica did not receive: none, when the pages did
    everything the real sites do."""
    state = rig.replica.state
    return ([call for call in calls if not state.count(*call)]
            + [note for note in notes if not state.noted(*note)])
