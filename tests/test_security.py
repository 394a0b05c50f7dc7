"""Security middlewares, each rule as the user (or an attacker's page) would meet it."""

from __future__ import annotations

import stat

import pytest

from aifootprint.daemon.server.app import create_app
from aifootprint.daemon.server.keys import CREDENTIALS
from aifootprint.daemon.token import ensure_token
from aifootprint.model.events import MAX_BODY_BYTES

PROTECTED = ["/api/v1/summary", "/api/v1/days", "/api/v1/factors", "/api/v1/settings",
             "/api/v1/openapi.json"]


def port_of(client) -> int:
    return client.server.port


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}",
                                  "LOCALHOST:{port}"])
async def test_security_loopback_host_is_allowed(client, host):
    headers = {"Host": host.format(port=port_of(client))}
    response = await client.get("/api/v1/health", headers=headers)
    assert response.status == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1",
                                  "localhost:1", "127.0.0.1.nip.io:{port}", "0.0.0.0:{port}"])
async def test_security_foreign_host_is_refused_dns_rebinding(client, auth, host):
    headers = {**auth, "Host": host.format(port=port_of(client))}
    for path in ("/api/v1/health", "/pair", "/api/v1/summary"):
        response = await client.get(path, headers=headers)
        assert response.status == 403, path
        assert (await response.json())["error"]["message"]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://evil.example",
                                    "http://127.0.0.1:1", "http://localhost", "null",
                                    "https://chatgpt.com", "file://"])
@pytest.mark.parametrize("method,path", [("GET", "/api/v1/health"), ("GET", "/api/v1/summary"),
                                         ("GET", "/pair"), ("POST", "/api/v1/events"),
                                         ("OPTIONS", "/api/v1/events")])
async def test_security_web_page_origin_is_refused_on_every_route(client, auth, origin, method,
                                                                  path):
    response = await client.request(method, path, headers={**auth, "Origin": origin},
                                    json={"events": []} if method == "POST" else None)
    assert response.status == 403


@pytest.mark.parametrize("origin", ["chrome-extension://abcdefghijklmnop",
                                    "moz-extension://0b1c2d3e-aaaa-bbbb-cccc-123456789abc",
                                    "http://127.0.0.1:{port}", "http://localhost:{port}"])
@pytest.mark.parametrize("path", ["/api/v1/summary", "/api/v1/days"])  # days is streamed
async def test_security_extension_and_own_origins_are_allowed(client, auth, origin, path):
    origin = origin.format(port=port_of(client))
    response = await client.get(path, headers={**auth, "Origin": origin})
    assert response.status == 200
    if "extension" in origin:
        assert response.headers["Access-Control-Allow-Origin"] == origin


async def test_security_extension_preflight_is_answered(client):
    origin = "chrome-extension://abcdefghijklmnop"
    response = await client.options("/api/v1/events", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert response.status == 204
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc", "Bearer ", "bearer"])
async def test_security_missing_or_wrong_token_is_401(client, path, header):
    headers = {"Authorization": header} if header else {}
    response = await client.get(path, headers=headers)
    assert response.status == 401
    body = await response.json()
    assert "aifootprint token" in body["error"]["message"]


async def test_security_post_without_token_stores_nothing(client, auth):
    event = {"id": "6b1f1a8e-4c1a-4d4b-9a0e-0f6a7d8e9c01", "ts": "2025-03-01T10:00:00Z",
             "site": "chatgpt.com", "kind": "prompt", "count": 1}
    response = await client.post("/api/v1/events", json={"events": [event]})
    assert response.status == 401
    summary = await (await client.get("/api/v1/summary?date=2025-03-01", headers=auth)).json()
    assert summary["prompts"] == 0


async def test_security_health_needs_no_token(client):
    response = await client.get("/api/v1/health")
    assert response.status == 200


async def test_security_token_is_accepted_case_insensitive_scheme(client):
    response = await client.get("/api/v1/summary",
                                headers={"Authorization":
                                         f"bearer {client.app[CREDENTIALS].owner_token}"})
    assert response.status == 200


def test_security_token_file_is_private_and_stable(config):
    token = ensure_token(config.token_path)
    assert len(token) >= 40
    assert stat.S_IMODE(config.token_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.token_path.parent.stat().st_mode) == 0o700
    assert create_app(config)[CREDENTIALS].owner_token == token == ensure_token(
        config.token_path)


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_security_empty_or_short_token_file_is_replaced(config, content):
    config.token_path.parent.mkdir(parents=True)
    config.token_path.write_text(content)
    token = ensure_token(config.token_path)
    assert len(token) >= 40 and config.token_path.read_text().strip() == token
    assert stat.S_IMODE(config.token_path.stat().st_mode) == 0o600
    assert list(config.token_path.parent.iterdir()) == [config.token_path]


def test_security_each_install_gets_its_own_token(tmp_path):
    assert ensure_token(tmp_path / "a" / "token") != ensure_token(tmp_path / "b" / "token")


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain",
                                          "multipart/form-data; boundary=x"])
async def test_security_non_json_body_is_415(client, auth, content_type):
    response = await client.post("/api/v1/events", data=b"events=1",
                                 headers={**auth, "Content-Type": content_type})
    assert response.status == 415


async def test_security_json_with_charset_is_accepted(client, auth):
    headers = {**auth, "Content-Type": "application/json; charset=utf-8"}
    response = await client.post("/api/v1/events", data=b'{"events": []}', headers=headers)
    assert response.status == 200


async def test_security_huge_body_is_413(client, auth):
    body = b'{"events": [' + b" " * MAX_BODY_BYTES + b"]}"
    response = await client.post("/api/v1/events", data=body,
                                 headers={**auth, "Content-Type": "application/json"})
    assert response.status == 413


async def test_security_huge_chunked_body_is_413(client, auth):
    async def chunks():
        for _ in range(40):
            yield b" " * 10_000

    response = await client.post("/api/v1/events", data=chunks(),
                                 headers={**auth, "Content-Type": "application/json"})
    assert response.status == 413


@pytest.mark.parametrize("status,request_args", [
    (401, ("GET", "/api/v1/summary", {})),
    (404, ("GET", "/api/v1/nothing-here", {"auth": True})),
    (405, ("DELETE", "/api/v1/events", {"auth": True})),
    (400, ("POST", "/api/v1/events", {"auth": True, "data": b"{nope"})),
    (422, ("GET", "/api/v1/summary?date=yesterday", {"auth": True})),
])
async def test_security_every_error_has_the_one_json_shape(client, auth, status, request_args):
    method, path, options = request_args
    headers = {**(auth if options.get("auth") else {}), "Content-Type": "application/json"}
    response = await client.request(method, path, data=options.get("data"), headers=headers)
    assert response.status == status
    body = await response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "field"}
    assert body["error"]["message"].endswith(".")


async def test_security_pair_page_cannot_be_framed_or_cached(client):
    response = await client.get("/pair")
    assert response.status == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
