"""Docs as specification: every command, route and site adapter is in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from aifootprint.cli import main
from aifootprint.daemon.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def command_names(command: click.Command, prefix: str) -> list[str]:
    if isinstance(command, click.Group):
        return [name for sub_name, sub in command.commands.items()
                for name in command_names(sub, f"{prefix} {sub_name}")]
    return [prefix]


@pytest.mark.parametrize("command", command_names(main, "aifootprint"))
def test_every_cli_command_is_in_the_readme(command):
    assert f"`{command}" in README


def test_every_api_route_is_in_the_readme(config):
    app = create_app(config)
    routes = {(route.method, route.resource.canonical) for route in app.router.routes()
              if route.method != "HEAD" and route.resource.canonical != "/static"}
    missing = [f"{method} {path}" for method, path in routes if f"{method} {path}" not in README]
    assert missing == []


ADAPTERS = sorted(path.stem for path in (REPO / "extension" / "adapters").glob("*.js")
                  if path.stem != "index")


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_every_site_adapter_is_in_the_readme(adapter):
    assert f"| `{adapter}` |" in README


def test_readme_has_the_two_commands_ci_runs():
    assert "pip install '.[tray]' && aifootprint run" in README
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
