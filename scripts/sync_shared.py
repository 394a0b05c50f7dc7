#!/usr/bin/env python3
"""Copy the files the daemon and the extension share: the factor table into extension/
(the extension cannot read outside its folder) and the extension's number formatting into
the dashboard's static files. Run after changing either; tests/test_shared_copies.py
fails while a copy differs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_STATIC = ROOT / "src" / "aifootprint" / "daemon" / "server" / "static"
COPIES = {
    ROOT / "shared_factors.json": ROOT / "extension" / "shared_factors.json",
    ROOT / "extension" / "format.js": DASHBOARD_STATIC / "format.js",
}


def main() -> int:
    for source, copy in COPIES.items():
        if copy.exists() and copy.read_bytes() == source.read_bytes():
            print(f"{copy.relative_to(ROOT)} is up to date")
            continue
        shutil.copyfile(source, copy)
        print(f"copied {source.relative_to(ROOT)} to {copy.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
