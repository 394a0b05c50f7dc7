"""Shared fixtures: small and named (home, config, factors)."""

from __future__ import annotations

import os

import pytest

from aifootprint.daemon.config import load_config
from aifootprint.daemon.store.events import Store
from aifootprint.model.factors import load_factors


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


@pytest.fixture
def store(tmp_path):
    """A Store on a real SQLite file in a temporary folder."""
    with Store(tmp_path / "footprint.db") as store:
        yield store


@pytest.fixture
def daemon(home):
    """The real daemon process on a free port with a temporary home; stopped afterwards."""
    from daemon_process import start_daemon

    process = start_daemon(home)
    yield process
    process.stop()


@pytest.fixture
async def client(aiohttp_client, config):
    """The daemon's app in-process (aiohttp test server on a free loopback port)."""
    from aifootprint.daemon.server.app import create_app

    return await aiohttp_client(create_app(config))


@pytest.fixture
def auth(client):
    """The Authorization header the CLI sends: the owner's token, which may do everything."""
    from aifootprint.daemon.server.keys import CREDENTIALS

    return {"Authorization": f"Bearer {client.app[CREDENTIALS].owner_token}"}


@pytest.fixture
def extension_auth(client):
    """The Authorization header the browser extension sends (its least-privilege token)."""
    from aifootprint.daemon.server.keys import CREDENTIALS

    return {"Authorization": f"Bearer {client.app[CREDENTIALS].extension_token}"}


@pytest.fixture
async def session(client, auth):
    """The Cookie header of a browser that opened the dashboard's one-time login link."""
    from urllib.parse import urlsplit

    link = await (await client.post("/api/v1/login-link", json={}, headers=auth)).json()
    url = urlsplit(link["url"])
    response = await client.get(f"{url.path}?{url.query}")
    assert response.status == 200
    morsel = next(iter(response.cookies.values()))
    return {"Cookie": f"{morsel.key}={morsel.value}"}


@pytest.fixture
def servers(tmp_path):
    """A stand-in daemon and replica AI sites for the extension's browser smoke tests."""
    from extension_servers import Servers

    running = Servers(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server (tests/postgres_server.py) for the whole run. Without
    PostgreSQL installed its tests are skipped, except in CI, where they fail."""
    from postgres_server import start_postgres

    try:
        server = start_postgres()
    except RuntimeError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def class_db(request):
    """The class server's database, each test on both backends: its SQLite file, or an
    empty schema of the throwaway PostgreSQL server."""
    from aggregator_process import ClassDatabase

    if request.param == "sqlite":
        return ClassDatabase(None)
    return ClassDatabase(request.getfixturevalue("postgres").new_schema())
