"""The daemon and the extension share files by copy: a copy that drifts fails here."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

SYNC = runpy.run_path(str(Path(__file__).parent.parent / "scripts" / "sync_shared.py"))
COPIES = SYNC["COPIES"]


@pytest.mark.parametrize("source, copy", COPIES.items(),
                         ids=[str(p.relative_to(SYNC["ROOT"])) for p in COPIES])
def test_copy_equals_its_source(source, copy):
    assert copy.read_bytes() == source.read_bytes(), "run: python3 scripts/sync_shared.py"
