#!/usr/bin/env python3
"""Copy the repo's shared_factors.json into extension/ (the extension cannot read outside
its folder). Run after every change to shared_factors.json; tests/extension/factors.test.js
fails while the copy differs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "shared_factors.json"
COPY = ROOT / "extension" / "shared_factors.json"


def main() -> int:
    if COPY.exists() and COPY.read_bytes() == SOURCE.read_bytes():
        print(f"{COPY.relative_to(ROOT)} is up to date")
        return 0
    shutil.copyfile(SOURCE, COPY)
    print(f"copied {SOURCE.relative_to(ROOT)} to {COPY.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
