"""Where the extension's first-byte cost comes from: time to first byte of the counted
ChatGPT request on the replica for variants of the extension (copies of extension/ with one
part removed or changed), each in its own Chromium profile beside one without any extension,
runs interleaved. Prints each variant's median and its difference to the bare profile.

    python benchmarks/extension_variants.py [--runs 31] [VARIANT ...]

Findings: docs/e2e.md, "The overhead benchmark".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the e2e harness and replica sites

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.browser import EXTENSION_DIR, ChromiumSession, missing_browser, send_on_replica  # noqa: E402
from e2e.replica.server import ReplicaServer  # noqa: E402

WEB_REQUEST_LISTENERS = "api.webRequest.onBeforeRequest.addListener"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        raise SystemExit(f"{path.name} changed: cannot build this variant")
    path.write_text(text.replace(old, new))


def edit_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def no_web_request(folder: Path) -> None:
    text = (folder / "background.js").read_text()
    (folder / "background.js").write_text(text[:text.index(WEB_REQUEST_LISTENERS)])


def idle(folder: Path) -> None:
    """Service worker and webRequest permission, but no listeners and no site scripts."""
    no_web_request(folder)
    edit_manifest(folder, lambda m: m.update(content_scripts=m["content_scripts"][2:]))


def no_main_world(folder: Path) -> None:
    edit_manifest(folder, lambda m: m.update(content_scripts=m["content_scripts"][1:]))


def fetch_unwrapped(folder: Path) -> None:
    replace(folder / "main_world.js", "  window.fetch = function fetch(", "  void function fetch(")


def no_tee(folder: Path) -> None:
    replace(folder / "main_world.js", "clone: response.clone() }", "clone: null }")


def clone_read_later(folder: Path) -> None:
    replace(folder / "main_world.js", "        bytes += value.byteLength;",
            "        await new Promise((resolve) => setTimeout(resolve, 0));\n"
            "        bytes += value.byteLength;")


def scripts_only(folder: Path) -> None:
    no_web_request(folder)
    fetch_unwrapped(folder)


VARIANTS = {
    "shipped": lambda folder: None,
    "idle": idle,
    "no-webrequest": no_web_request,
    "no-main-world": no_main_world,
    "fetch-unwrapped": fetch_unwrapped,
    "scripts-only": scripts_only,
    "no-tee": no_tee,
    "clone-read-later": clone_read_later,
}


def build(tmp: Path, name: str) -> Path:
    folder = tmp / f"extension-{name}"
    shutil.copytree(EXTENSION_DIR, folder)
    VARIANTS[name](folder)
    return folder


def first_byte_ms(tab) -> float:
    assert send_on_replica(tab, "benchmark prompt") == "done"
    return float(tab.evaluate("document.getElementById('reply').dataset.requestFirstByteMs"))


def measure(tabs: dict, runs: int) -> dict[str, list[float]]:
    samples = {name: [] for name in tabs}
    for run in range(runs):
        order = list(tabs) if run % 2 == 0 else list(reversed(tabs))  # no fixed position
        for name in order:
            samples[name].append(first_byte_ms(tabs[name]))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("variants", nargs="*", metavar="VARIANT",
                        help=f"any of {', '.join(VARIANTS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(sorted(unknown))}")
    args.variants = args.variants or list(VARIANTS)
    reason = missing_browser("chromium")
    if reason:
        print(f"cannot run: {reason}")
        return 1
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(Path(tmp)) as replica:
        replica.state.stream_chunks, replica.state.chunk_delay = 100, 0.01
        replica.state.chunk_text = "Lorem ipsum dolor sit amet, consectetur adipiscing. " * 4
        rules = replica.host_resolver_rules()
        with sync_playwright() as playwright, contextlib.ExitStack() as stack:
            sessions = {"bare": stack.enter_context(ChromiumSession(
                Path(tmp) / "bare", rules, with_extension=False, playwright=playwright))}
            for name in args.variants:
                sessions[name] = stack.enter_context(ChromiumSession(
                    Path(tmp) / name, rules, extension_dir=build(Path(tmp), name),
                    playwright=playwright))
            tabs = {name: session.new_tab() for name, session in sessions.items()}
            for name, tab in tabs.items():
                tab.goto(sessions[name].site_url("chatgpt.com"))
                first_byte_ms(tab)  # warm-up, not measured
            report(measure(tabs, args.runs))
    return 0


def report(samples: dict[str, list[float]]) -> None:
    bare = statistics.median(samples["bare"])
    print(f"Request-level first byte, {len(samples['bare'])} interleaved runs each")
    for name, values in samples.items():
        median = statistics.median(values)
        q1, _, q3 = statistics.quantiles(values)
        print(f"  {name:17}: median {median:5.1f} ms ({median - bare:+.1f} ms, "
              f"ratio {median / bare:.3f}), IQR {q1:.1f} to {q3:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
