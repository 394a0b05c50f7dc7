"""Docs as specification: every command, route and site adapter is in the README, and the
repository's own contract (docs/api.md) names every route and command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest

from aifootprint.cli import main
from aifootprint.daemon.server.app import create_app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
API_DOC = (REPO / "docs" / "api.md").read_text(encoding="utf-8")


def command_names(command: click.Command, prefix: str) -> list[str]:
    if isinstance(command, click.Group):
        return [name for sub_name, sub in command.commands.items()
                for name in command_names(sub, f"{prefix} {sub_name}")]
    return [prefix]


@pytest.mark.parametrize("command", command_names(main, "aifootprint"))
def test_every_cli_command_is_in_the_readme(command):
    assert f"`{command}" in README


def daemon_routes(config) -> set[tuple[str, str]]:
    app = create_app(config)
    return {(route.method, route.resource.canonical) for route in app.router.routes()
            if route.method != "HEAD" and route.resource.canonical != "/static"}


def test_every_api_route_is_in_the_readme(config):
    routes = daemon_routes(config)
    missing = [f"{method} {path}" for method, path in routes if f"{method} {path}" not in README]
    assert missing == []


@pytest.mark.parametrize("command", command_names(main, "aifootprint"))
def test_every_cli_command_is_in_docs_api(command):
    assert f"`{command}" in API_DOC


def test_every_api_route_is_in_docs_api(config):
    routes = daemon_routes(config)
    missing = [f"{method} {path}" for method, path in routes
               if f"{method} {path}" not in API_DOC]
    assert missing == []


# Built from parts so that this file does not cite them itself.
OUTSIDE_DOCUMENTS = tuple(name + suffix for name, suffix in
                          (("contract", ".md"), ("brief", ".md"), ("../", "shared")))


def test_no_tracked_file_cites_documents_outside_the_repository():
    """The repository stands alone: docs/api.md is the contract, the report is cited by title."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode().split("\0")
    citing = []
    for name in listed:
        path = REPO / name
        if not name or name == "package-lock.json" or not path.is_file() or path.is_symlink():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        citing += [f"{name}: {word}" for word in OUTSIDE_DOCUMENTS if word in text]
    assert citing == []


ADAPTERS = sorted(path.stem for path in (REPO / "extension" / "adapters").glob("*.js")
                  if path.stem != "index")


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_every_site_adapter_is_in_the_readme(adapter):
    assert f"| `{adapter}` |" in README


def test_readme_has_the_two_commands_ci_runs():
    assert "pip install '.[tray]' && aifootprint run" in README
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
