"""The daemon's CPU while idle with the dashboard open and following GET /api/v1/live.

    python benchmarks/bench_live_idle.py [--seconds 60]

Starts the real daemon (`aifootprint run --no-tray`) on a fresh home, opens the dashboard
in headless Chromium (Debian's /usr/bin/chromium) and waits until its live stream is open,
then reads the daemon's CPU time (utime + stime of /proc/PID/stat) over --seconds of no
use, with and without the dashboard. Then one prompt is posted and the time until the
dashboard shows it is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from bench_daemon import cpu_seconds  # noqa: E402

from daemon_process import start_daemon  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def idle_cpu(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def wait_for(page, expression: str, timeout_s: float = 30) -> None:
    """Polls with evaluate: the dashboard's CSP forbids the eval of wait_for_function."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as home:
        daemon = start_daemon(Path(home))
        try:
            daemon.request("PUT", "/api/v1/settings", {"role": "student", "lang": "en"})
            pid = daemon.process.pid
            time.sleep(2)  # start-up work (migrations, first reads) is over
            alone = idle_cpu(pid, args.seconds)
            print(f"daemon alone: {alone:.3f} s of CPU in {args.seconds:.0f} s idle")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.goto(f"{daemon.url}/")
                wait_for(page, "document.body.dataset.live === '1'")
                time.sleep(2)
                listened = idle_cpu(pid, args.seconds)
                print(f"with one dashboard listening: {listened:.3f} s of CPU in "
                      f"{args.seconds:.0f} s idle ({100 * listened / args.seconds:.2f} % of "
                      "one core)")
                event = {"id": str(uuid.uuid4()), "ts": datetime.now(UTC).isoformat(),
                         "site": "chatgpt.com", "kind": "prompt", "count": 1}
                sent = time.monotonic()
                daemon.post("/api/v1/events", {"events": [event]})
                wait_for(page, "document.getElementById('today-prompts').textContent === '1'")
                print(f"a posted prompt on the open dashboard after "
                      f"{1000 * (time.monotonic() - sent):.0f} ms")
                browser.close()
        finally:
            daemon.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
