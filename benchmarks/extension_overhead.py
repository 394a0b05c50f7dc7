"""What the extension costs a page: time to first byte and total time of a streamed ChatGPT
reply on the replica site, with and without the extension (same Chromium, two profiles,
runs interleaved), and the page's JS heap over a long stream. Prints the figures.

    python benchmarks/extension_overhead.py [--runs 21] [--chunks 100] [--long-chunks 10000]

Target: under 5 % difference in the medians, and no heap growth from the extension.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the e2e harness, replica sites and daemon fixture

from playwright.sync_api import sync_playwright  # noqa: E402

from daemon_process import start_daemon  # noqa: E402
from e2e.browser import (  # noqa: E402
    ChromiumSession,
    PlaywrightTab,
    missing_browser,
    send_on_replica,
)
from e2e.replica.server import ReplicaServer  # noqa: E402

SITE = "chatgpt.com"
PROMPT = "benchmark prompt"


FIGURES = (("requestFirstByteMs", "first byte (request)"),
           ("firstByteMs", "first byte (click)"),
           ("totalMs", "total (click to end)"))


def timed_send(tab) -> dict[str, float]:
    assert send_on_replica(tab, PROMPT) == "done"
    reply = tab.evaluate("({...document.getElementById('reply').dataset})")
    return {key: float(reply[key]) for key, _ in FIGURES}


def heap_bytes(cdp) -> int:
    """The page's used JS heap after a full garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    return int(cdp.send("Runtime.getHeapUsage")["usedSize"])


def long_stream_heap(session: ChromiumSession, replica: ReplicaServer, chunks: int) -> dict:
    """Heap before and after one long stream, and the highest value seen while it ran."""
    page = session.context.new_page()
    page.goto(session.site_url(SITE))
    cdp = session.context.new_cdp_session(page)
    tab = PlaywrightTab(page)
    send_on_replica(tab, PROMPT)  # warm up: first-use allocations are not growth
    before = heap_bytes(cdp)
    saved = replica.state.stream_chunks, replica.state.chunk_delay
    replica.state.stream_chunks, replica.state.chunk_delay = chunks, 0.002
    page.fill("#prompt", PROMPT)
    page.click("#send")
    peak = before
    while page.evaluate("document.getElementById('reply').dataset.state") == "busy":
        peak = max(peak, int(cdp.send("Runtime.getHeapUsage")["usedSize"]))
        page.wait_for_timeout(100)
    replica.state.stream_chunks, replica.state.chunk_delay = saved
    page.evaluate("document.getElementById('reply').textContent = ''")  # drop the page's copy
    after = heap_bytes(cdp)
    page.close()
    return {"before": before, "peak": peak, "after": after}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--chunks", type=int, default=100, help="chunks per timed reply")
    parser.add_argument("--long-chunks", type=int, default=10000, help="chunks, heap run")
    args = parser.parse_args()
    reason = missing_browser("chromium")
    if reason:
        print(f"cannot run: {reason}")
        return 1
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(Path(tmp)) as replica:
        home = Path(tmp) / "home"
        home.mkdir()
        daemon = start_daemon(home)
        replica.state.stream_chunks, replica.state.chunk_delay = args.chunks, 0.01
        replica.state.chunk_text = "Lorem ipsum dolor sit amet, consectetur adipiscing. " * 4
        rules = replica.host_resolver_rules()
        try:
            with sync_playwright() as playwright, \
                    ChromiumSession(Path(tmp) / "with", rules, playwright=playwright) as with_ext, \
                    ChromiumSession(Path(tmp) / "without", rules, with_extension=False,
                                    playwright=playwright) as bare:
                pair_tab = with_ext.new_tab()
                pair_tab.goto(f"{daemon.url}/pair")
                pair_tab.wait_for_function(
                    "document.getElementById('pairing').dataset.state === 'paired'")
                report(compare_timings(with_ext, bare, args.runs))
                heap = {name: long_stream_heap(session, replica, args.long_chunks)
                        for name, session in (("with", with_ext), ("without", bare))}
                report_heap(heap, args.long_chunks, len(replica.state.chunk_text))
        finally:
            daemon.stop()
    return 0


def compare_timings(with_ext: ChromiumSession, bare: ChromiumSession, runs: int) -> dict:
    tabs = {"with": with_ext.new_tab(), "without": bare.new_tab()}
    for tab in tabs.values():
        tab.goto(with_ext.site_url(SITE))
        timed_send(tab)  # warm-up run, not measured
    samples = {name: [] for name in tabs}
    for _ in range(runs):
        for name, tab in tabs.items():  # interleaved: background load hits both alike
            samples[name].append(timed_send(tab))
    return samples


def report(samples: dict) -> None:
    print(f"Streamed ChatGPT reply on the replica, {len(samples['with'])} interleaved runs each")
    for key, label in FIGURES:
        with_ms = statistics.median(s[key] for s in samples["with"])
        bare_ms = statistics.median(s[key] for s in samples["without"])
        print(f"  {label:21}: with extension {with_ms:7.1f} ms, without {bare_ms:7.1f} ms, "
              f"ratio {with_ms / bare_ms:.3f} ({(with_ms / bare_ms - 1) * 100:+.1f} %)")


def report_heap(heap: dict, chunks: int, chunk_bytes: int) -> None:
    print(f"Page JS heap over one long stream ({chunks} chunks, "
          f"{chunks * chunk_bytes / 1e6:.1f} MB of text)")
    for name, figures in heap.items():
        print(f"  {name + ' extension':18}: before {figures['before'] / 1e6:6.2f} MB, "
              f"peak {figures['peak'] / 1e6:6.2f} MB, after {figures['after'] / 1e6:6.2f} MB, "
              f"growth {(figures['after'] - figures['before']) / 1e6:+.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
