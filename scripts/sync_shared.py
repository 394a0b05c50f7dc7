#!/usr/bin/env python3
"""Copy the files the daemon and the extension share: the factor table into extension/
(the extension cannot read outside its folder); the extension's number formatting, its
footprint arithmetic, its text lookup and its text catalogue (_locales/<lang>/messages.json,
the one source of every text the dashboard and the extension show) into the dashboard's
static files, and the number formatting on to the teacher page's. Run after changing any
of them; tests/test_shared_copies.py fails while a copy differs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
DASHBOARD_STATIC = ROOT / "src" / "aifootprint" / "daemon" / "server" / "static"
TEACHER_STATIC = ROOT / "src" / "aifootprint" / "aggregator" / "static"
# extension/_locales/nl/messages.json -> static/locales/nl.json, for every language.
CATALOGUE = {messages: DASHBOARD_STATIC / "locales" / f"{messages.parent.name}.json"
             for messages in sorted((EXTENSION / "_locales").glob("*/messages.json"))}

COPIES = {
    ROOT / "shared_factors.json": EXTENSION / "shared_factors.json",
    EXTENSION / "format.js": DASHBOARD_STATIC / "format.js",
    # The teacher page writes its units as the dashboard does: a copy of that copy (one
    # copy per source here, and this one is made after the one it copies).
    DASHBOARD_STATIC / "format.js": TEACHER_STATIC / "format.js",
    EXTENSION / "i18n.js": DASHBOARD_STATIC / "i18n.js",
    # The popup's footprint arithmetic: the dashboard picks a period total's everyday
    # comparison with it (the same thresholds as the daemon's footprint.py).
    EXTENSION / "footprint.js": DASHBOARD_STATIC / "footprint.js",
    # Following the daemon's GET /api/v1/live: the popup's and the dashboard's one reader.
    EXTENSION / "live.js": DASHBOARD_STATIC / "live.js",
    **CATALOGUE,
}


def main() -> int:
    for source, copy in COPIES.items():
        if copy.exists() and copy.read_bytes() == source.read_bytes():
            print(f"{copy.relative_to(ROOT)} is up to date")
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        print(f"copied {source.relative_to(ROOT)} to {copy.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
