#!/usr/bin/env python3
"""Build the store packages from extension/ into dist/: a Chrome zip and a Firefox xpi.

extension/ itself loads unpacked in both browsers (its manifest carries both background
forms); each package gets a manifest trimmed to its browser, so neither store warns about
the other's keys. Runs `web-ext lint` on the Firefox package when the Node tools are there.
Usage: python3 scripts/package_extension.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"


def browser_manifest(manifest: dict, browser: str) -> dict:
    trimmed = json.loads(json.dumps(manifest))
    background = trimmed["background"]
    # `key` pins the extension id of an unpacked or self-packed build (docs/deploy.md); the
    # Chrome Web Store refuses a manifest with one (it assigns its own id), Firefox has none.
    trimmed.pop("key", None)
    if browser == "chrome":
        background.pop("scripts", None)
        trimmed.pop("browser_specific_settings", None)
    else:
        background.pop("service_worker", None)
        trimmed.pop("minimum_chrome_version", None)
        trimmed.pop("storage", None)  # Chromium's managed_schema; Firefox takes its policy as is
    return trimmed


def package_files() -> list[Path]:
    files = sorted(path for path in EXTENSION.rglob("*") if path.is_file())
    return [path for path in files if path.name != "manifest.json"]


def build(browser: str, out: Path) -> Path:
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    suffix = "zip" if browser == "chrome" else "xpi"
    target = out / f"aifootprint-{browser}-{manifest['version']}.{suffix}"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(browser_manifest(manifest, browser), indent=2))
        for path in package_files():
            archive.write(path, path.relative_to(EXTENSION).as_posix())
    return target


def lint_firefox(xpi: Path) -> int:
    web_ext = ROOT / "node_modules" / ".bin" / "web-ext"
    if not web_ext.exists():
        print("web-ext not installed (npm ci): skipping the Firefox lint")
        return 0
    with tempfile.TemporaryDirectory() as unpacked:
        with zipfile.ZipFile(xpi) as archive:
            archive.extractall(unpacked)
        lint = [str(web_ext), "lint", "--source-dir", unpacked]
        return subprocess.run(lint, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for browser in ("chrome", "firefox"):
        print(f"built {build(browser, args.out)}")
    return lint_firefox(next(args.out.glob("*.xpi")))


if __name__ == "__main__":
    sys.exit(main())
