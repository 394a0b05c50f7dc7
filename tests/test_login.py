"""The dashboard's one-time login link and session cookie, and the two credentials (owner,
extension), as a user, the extension and an attacker's request would meet them."""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.daemon.server.keys import CREDENTIALS
from aifootprint.daemon.server.logins import CODE_TTL_S, SESSION_TTL_S, Logins
from aifootprint.daemon.token import ensure_token


def secrets_of(client) -> tuple[str, str]:
    credentials = client.app[CREDENTIALS]
    return credentials.owner_token, credentials.extension_token


async def login_path(client, auth) -> str:
    link = await (await client.post("/api/v1/login-link", json={}, headers=auth)).json()
    url = urlsplit(link["url"])
    assert url.netloc == f"127.0.0.1:{client.server.port}" and link["expires_in_s"] == CODE_TTL_S
    return f"{url.path}?{url.query}"


def one_event() -> dict:
    return {"events": [{"id": str(uuid.uuid4()), "ts": datetime.now().astimezone().isoformat(),
                        "site": "chatgpt.com", "kind": "prompt", "count": 1}]}


@pytest.mark.parametrize("lang, words", [("nl", "Dashboard openen"), ("en", "Open dashboard")])
async def test_without_the_cookie_no_page_holds_a_token_and_the_dashboard_says_how(
        client, lang, words):
    for path in ("/", "/pair", "/login?code=guess", "/static/index.html", "/?server=x"):
        response = await client.get(path, headers={"Accept-Language": lang})
        body = await response.text()
        assert not any(secret in body for secret in secrets_of(client)), path
    response = await client.get("/", headers={"Accept-Language": lang})
    page = await response.text()
    assert response.status == 401 and f'lang="{lang}"' in page
    assert words in page and "<code>aifootprint dashboard</code>" in page
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_the_link_works_once_and_sets_a_strict_httponly_cookie(client, auth):
    path = await login_path(client, auth)
    first = await client.get(path)
    assert first.status == 200  # on to / by a refresh from this page: see pages.py
    assert '<meta http-equiv="refresh" content="0; url=/">' in await first.text()
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == f"aifootprint_session_{client.server.port}"
    page = await client.get("/", headers={"Cookie": f"{name}={value}"})
    html = await page.text()
    assert page.status == 200 and 'id="today"' in html
    assert not any(secret in html for secret in secrets_of(client))
    again = await client.get(path)
    assert again.status == 401 and "Set-Cookie" not in again.headers
    assert "used or has expired" in await again.text()


def test_a_code_expires_after_two_minutes_and_a_session_after_a_school_day():
    now = [1_800_000_000.0]
    logins = Logins("o" * 43, clock=lambda: now[0])
    late = logins.new_code()
    now[0] += CODE_TTL_S + 1
    assert logins.open_session(late) is None
    code = logins.new_code()
    session = logins.open_session(code)
    assert session and logins.has_session(session) and not logins.has_session(code)
    assert Logins("o" * 43, clock=lambda: now[0]).has_session(session)  # a restarted daemon
    assert not Logins("n" * 43, clock=lambda: now[0]).has_session(session)  # a new token
    expiry, nonce, signature = session.split(".")
    assert not logins.has_session(f"{int(expiry) + 3600}.{nonce}.{signature}")  # lengthened
    assert not logins.has_session(None) and not logins.has_session("")
    now[0] += SESSION_TTL_S + 1
    assert not logins.has_session(session)


async def test_the_dashboards_api_calls_work_on_the_cookie(client, session):
    response = await client.get("/api/v1/summary", headers=session)
    assert response.status == 200
    port = client.server.port
    own = {**session, "Origin": f"http://127.0.0.1:{port}"}
    response = await client.put("/api/v1/settings", json={"lang": "nl"}, headers=own)
    assert response.status == 200 and (await response.json())["lang"] == "nl"
    fetched = {**session, "Sec-Fetch-Site": "same-origin"}
    response = await client.post("/api/v1/forget", json={"all": True}, headers=fetched)
    assert response.status == 200


@pytest.mark.parametrize("extra", [
    {},  # no proof of where it comes from
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "chrome-extension://another-extension"},
    {"Origin": "null"},
])
async def test_a_write_riding_on_the_cookie_from_elsewhere_is_refused_and_deletes_nothing(
        client, auth, session, extra):
    assert (await client.post("/api/v1/events", json=one_event(), headers=auth)).status == 200
    response = await client.post("/api/v1/forget", json={"all": True},
                                 headers={**session, **extra})
    assert response.status in (401, 403)
    summary = await (await client.get("/api/v1/summary", headers=auth)).json()
    assert summary["prompts"] == 1


async def test_the_extension_token_does_what_the_extension_needs(client, extension_auth):
    assert (await client.post("/api/v1/events", json=one_event(),
                              headers=extension_auth)).status == 200
    for path in ("/api/v1/summary", "/api/v1/days", "/api/v1/factors", "/api/v1/settings"):
        assert (await client.get(path, headers=extension_auth)).status == 200, path
    response = await client.put("/api/v1/settings", json={"paused": True, "label": "homework"},
                                headers=extension_auth)
    assert response.status == 200 and (await response.json())["paused"] is True


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/v1/forget", {"all": True}),
    ("POST", "/api/v1/import", {"format": "aifootprint-export", "events": []}),
    ("GET", "/api/v1/export", None),
    ("POST", "/api/v1/class/join", {"server": "https://class.example", "code": "ABCD-EFGH",
                                    "confirm": True}),
    ("POST", "/api/v1/class/leave", None),
    ("POST", "/api/v1/login-link", {}),
    ("PUT", "/api/v1/settings", {"lang": "en"}),
    ("PUT", "/api/v1/settings", {"paused": True, "profile": "google-2025"}),
])
async def test_the_extension_token_cannot_delete_import_export_join_or_open_the_dashboard(
        client, auth, extension_auth, method, path, body):
    assert (await client.post("/api/v1/events", json=one_event(), headers=auth)).status == 200
    before = await (await client.get("/api/v1/settings", headers=auth)).json()
    response = await client.request(method, path, json=body, headers=extension_auth)
    assert response.status == 403
    assert "extension" in (await response.json())["error"]["message"]
    summary = await (await client.get("/api/v1/summary", headers=auth)).json()
    assert summary["prompts"] == 1
    assert await (await client.get("/api/v1/settings", headers=auth)).json() == before


def test_the_token_command_prints_the_extensions_token_not_the_owners(tmp_path):
    owner = ensure_token(tmp_path / "config" / "token")
    printed = CliRunner().invoke(main, ["token", "--home", str(tmp_path)]).output.strip()
    assert printed == (tmp_path / "config" / "extension-token").read_text().strip()
    assert len(printed) >= 40 and printed != owner


def test_dashboard_command_prints_a_link_that_logs_in_once(daemon):
    result = CliRunner().invoke(main, ["dashboard", "--print", "--home", str(daemon.home),
                                       "--lang", "nl"])
    assert result.exit_code == 0 and "werkt één keer" in result.output
    [link] = [word for word in result.output.split() if word.startswith(daemon.url)]
    with urllib.request.urlopen(link) as first:
        assert first.status == 200 and "HttpOnly" in first.headers["Set-Cookie"]
    with pytest.raises(urllib.error.HTTPError) as again:
        urllib.request.urlopen(link)
    again.value.close()
    assert again.value.code == 401


async def test_health_proves_the_daemon_holds_the_extension_token_for_its_own_port(client):
    challenge = "c" * 32
    answer = await (await client.get(f"/api/v1/health?challenge={challenge}")).json()
    token, port = client.app[CREDENTIALS].extension_token, client.server.port
    message = f"aifootprint-proof:{port}:{challenge}".encode()
    assert answer["proof"] == hmac.new(token.encode(), message, hashlib.sha256).hexdigest()
    other_port = f"aifootprint-proof:{port + 1}:{challenge}".encode()
    assert answer["proof"] != hmac.new(token.encode(), other_port, hashlib.sha256).hexdigest()
    assert "proof" not in await (await client.get("/api/v1/health")).json()
    response = await client.get("/api/v1/health?challenge=short")
    assert response.status == 422 and (await response.json())["error"]["field"] == "challenge"
