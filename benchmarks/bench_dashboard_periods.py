"""Benchmark the dashboard's period views with a year of data, in headless Chromium.

    python benchmarks/bench_dashboard_periods.py [--events 100000] [--runs 20]

1. Seeds a fresh home with --events events spread over the last 365 days (through the
   store, as bench_daemon.py does), then starts the real daemon (`aifootprint run
   --no-tray`) on it.
2. Opens the dashboard (nl, 1366 px) in Debian's Chromium (playwright, no browser download).
3. For each view (week, month, term, school year, and 366 days of dates of your own),
   --runs times in turn: makes the choice as a student would (a click on the view; for the
   custom range, the dates filled in and the Show button), and takes the time from the
   choice to the rendered figures. The page measures it itself (dashboard.js):
   'period-rendered' from the choice's handler until the page holds the new figures (both
   /days answers in, totals, comparison, charts and tables drawn), 'period-painted' until
   the frame after that; 'wall' is Playwright's time from the click until the page says it
   has rendered (including the round trip to the browser).
4. Prints p50 and p95 per view, and the first (cold) choice of each apart: the daemon
   computes a day's summary once and then serves it from its cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "benchmarks")]

from bench_daemon import percentile, seed  # noqa: E402

from daemon_process import start_daemon  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWS = ["week", "month", "term", "year", "custom"]
LAST_MEASURES = """() => Object.fromEntries(['period-rendered', 'period-painted'].map((name) => {
  const entries = performance.getEntriesByName(name);
  return [name, entries.length ? entries[entries.length - 1].duration : null];
}))"""


def choose(page, kind: str, count: int) -> dict[str, float]:
    """Make one choice; its timings in ms. `count` is the page's render count so far."""
    history = page.locator("#history")
    if kind == "custom":
        if not page.locator("input[name=period][value=custom]").is_checked():
            page.check("input[name=period][value=custom]")
            count += 1
            page.locator(f'#history[data-painted="{count}"]').wait_for()
        today = date.today()
        page.fill("#custom-from", (today - timedelta(days=365)).isoformat())
        page.fill("#custom-to", today.isoformat())
        started = time.perf_counter()
        page.click("#custom-form button[type=submit]")
    else:
        started = time.perf_counter()
        page.check(f"input[name=period][value={kind}]")
    page.locator(f'#history[data-rendered="{count + 1}"]').wait_for()
    wall = (time.perf_counter() - started) * 1000
    page.locator(f'#history[data-painted="{count + 1}"]').wait_for()
    measured = page.evaluate(LAST_MEASURES)
    assert history.get_attribute("data-kind") == kind
    return {"rendered": measured["period-rendered"], "painted": measured["period-painted"],
            "wall": wall, "count": count + 1, "bars": page.locator(
                "#chart-uses svg.bar-chart g.bar").count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        seed(home / "data" / "footprint.db", args.events)
        print(f"seeded {args.events:,} events over the last 365 days")
        daemon = start_daemon(home)
        try:
            daemon.request("PUT", "/api/v1/settings", {"lang": "nl", "role": "student"})
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(daemon.url + "/?period=week")
                page.wait_for_selector("body[data-state=ready]")
                print(f"chromium {browser.version}; dashboard open with the week view")
                samples = {kind: [] for kind in VIEWS}
                count, bars = 0, {}
                # Week is shown first, so the first round starts with month.
                order = VIEWS[1:] + VIEWS[:1]
                for _ in range(args.runs + 1):
                    for kind in order:
                        result = choose(page, kind, count)
                        count = result["count"]
                        samples[kind].append(result)
                        bars[kind] = result["bars"]
                browser.close()
                assert errors == [], errors
        finally:
            daemon.stop()
    print(f"{args.runs} choices per view after a first (cold) one; times in ms")
    print(f"{'view':<8} {'bars':>4}  {'first':>6}  {'rendered p50/p95':>17}  "
          f"{'painted p50/p95':>16}  {'wall p50/p95':>13}")
    for kind in VIEWS:
        first, *rest = samples[kind]
        columns = []
        for key in ("rendered", "painted", "wall"):
            values = [sample[key] for sample in rest]
            columns.append(f"{statistics.median(values):.0f} / {percentile(values, 95):.0f}")
        print(f"{kind:<8} {bars[kind]:>4}  {first['painted']:>6.0f}  {columns[0]:>17}  "
              f"{columns[1]:>16}  {columns[2]:>13}")


if __name__ == "__main__":
    main()
