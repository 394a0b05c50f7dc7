"""Shared fixtures: small and named (home, config, factors)."""

from __future__ import annotations

import pytest

from aifootprint.config import load_config
from aifootprint.factors import load_factors


@pytest.fixture
def home(tmp_path):
    """A fresh AIFOOTPRINT_HOME: every file the program writes goes here."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def config(home):
    return load_config(home=home, env={})


@pytest.fixture(scope="session")
def factors():
    return load_factors()
