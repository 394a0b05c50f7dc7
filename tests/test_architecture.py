"""The layers hold: import-linter's contracts (pyproject.toml) pass on the package and fail
on a checkout that breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
         "lint_imports_command()", "--no-cache"],
        cwd=root, env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120)


@pytest.fixture
def checkout(tmp_path):
    """A copy of the package and its contracts, to break on purpose."""
    shutil.copytree(REPO / "src", tmp_path / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(checkout: Path, module: str, line: str) -> None:
    path = checkout / "src" / "aifootprint" / module
    path.write_text(path.read_text() + f"\n{line}\n")


def test_architecture_contracts_are_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("module, line, contract", [
    ("aggregator/report.py", "from ..daemon import config", "imports nothing of the student"),
    ("daemon/services/sharing.py", "from ...aggregator import privacy",
     "imports nothing of the class server"),
    ("daemon/store/events.py", "from ..services import reports", "runs one way"),
    ("model/footprint.py", "from ..daemon import config", "runs one way"),
    ("model/formatting.py", "from . import footprint", "No import cycles"),
])
def test_architecture_a_forbidden_import_breaks_its_contract(checkout, module, line, contract):
    add_import(checkout, module, line)
    result = lint_imports(checkout)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
