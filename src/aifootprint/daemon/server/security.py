"""Who may talk to the daemon: its middlewares (the token itself is in daemon/token.py).

Threats: another user of the same computer (their sockets are refused on Linux), a web
page in the user's browser (cross-site requests, DNS rebinding, framing
the /pair page) and other programs guessing at the API. Defences, outermost first:
errors -> same user (Linux) -> Host allowlist -> Origin rule -> credential on /api/v1 ->
JSON-only, bounded bodies.

Credentials (least privilege): the owner's token (CLI, tray) or the dashboard's session
cookie may do everything; the extension's token what the extension needs (a route's
`access` in routes.py). A cookie rides along with any request the browser sends, so a
write on the cookie alone also needs proof that our own page sent it (same_origin_write).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import sys
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass

from aiohttp import web

from ...core.errors import (
    BodyTooLarge,
    Forbidden,
    Unauthorized,
    UnsupportedMediaType,
)
from ...core.web import error_middleware
from ...model.events import MAX_BODY_BYTES
from ..services.exchange import MAX_IMPORT_BYTES
from ..token import MIN_TOKEN_CHARS
from .logins import Logins, cookie_name
from .peers import peer_uid

API_PREFIX = "/api/v1"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://")
SAFE_METHODS = ("GET", "HEAD")

# What a route needs, and what a request proved (request[CREDENTIAL]), weakest first.
PUBLIC, EXTENSION, OWNER = "public", "extension", "owner"
RANK = {PUBLIC: 0, EXTENSION: 1, OWNER: 2}
CREDENTIAL = web.RequestKey("credential", str)


@dataclass(frozen=True)
class Credentials:
    owner_token: str
    extension_token: str
    logins: Logins


def token_matches(header: str, token: str) -> bool:
    if len(token) < MIN_TOKEN_CHARS:
        return False
    scheme, _, given = header.partition(" ")
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches


CHALLENGE = re.compile(r"[A-Za-z0-9_-]{16,128}")


def daemon_proof(extension_token: str, port: int | None, challenge: str) -> str:
    """What GET /health?challenge= answers: proof that this daemon knows the extension's
    token, bound to the port it answers on, without the extension sending the token. A
    program squatting on a port the extension remembers (another account's, while this
    user's daemon is stopped) cannot make it, nor relay it from the real daemon's port."""
    message = f"aifootprint-proof:{port}:{challenge}".encode()
    return hmac.new(extension_token.encode(), message, hashlib.sha256).hexdigest()


# -- the rules, as plain functions of the request


def local_port(request: web.Request) -> int | None:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return sockname[1] if sockname else None


def own_origins(port: int | None) -> set[str]:
    return {f"http://{name}:{port}" for name in LOOPBACK_NAMES}


def host_allowed(host: str | None, port: int | None) -> bool:
    """Only loopback names with our port: a rebound DNS name (evil.example) is refused."""
    return host is not None and host.lower() in {f"{name}:{port}" for name in LOOPBACK_NAMES}


def origin_allowed(origin: str | None, port: int | None) -> bool:
    """No Origin (CLI, tray), our own pages, or a browser extension; never a web page."""
    if origin is None:
        return True
    return origin in own_origins(port) or origin.startswith(EXTENSION_SCHEMES)


def same_origin_write(request: web.Request) -> bool:
    """Sent by one of our own pages: its Origin is ours, or the browser says so in
    Sec-Fetch-Site (Fetch Metadata; https://www.w3.org/TR/fetch-metadata/). SameSite=Strict
    already keeps the cookie off other sites' requests; this also refuses another
    extension's pages riding on the user's session."""
    return (request.headers.get("Origin") in own_origins(local_port(request))
            or request.headers.get("Sec-Fetch-Site") == "same-origin")


def has_session(request: web.Request, logins: Logins) -> bool:
    """The dashboard's session cookie, honoured only from our own pages (no other Origin)."""
    origin = request.headers.get("Origin")
    if origin is not None and origin not in own_origins(local_port(request)):
        return False
    return logins.has_session(request.cookies.get(cookie_name(local_port(request))))


def proven(request: web.Request, credentials: Credentials) -> str:
    """What the request proved: a bearer token decides when there is one, else the cookie."""
    header = request.headers.get("Authorization")
    if header is not None:
        if token_matches(header, credentials.owner_token):
            return OWNER
        return EXTENSION if token_matches(header, credentials.extension_token) else PUBLIC
    if has_session(request, credentials.logins):
        if request.method not in SAFE_METHODS and not same_origin_write(request):
            raise Forbidden("session_write_elsewhere")
        return OWNER
    return PUBLIC


def owner_for(request: web.Request, names: Collection[str], extension_may: Collection[str]):
    """Forbidden unless the owner asks, or every one of `names` is in `extension_may`."""
    if request.get(CREDENTIAL) != OWNER and not set(names) <= set(extension_may):
        raise Forbidden("extension_may_not_change")


# -- middlewares


@web.middleware
async def host_middleware(request: web.Request, handler):
    if not host_allowed(request.headers.get("Host"), local_port(request)):
        raise Forbidden("host_not_allowed")
    return await handler(request)


@web.middleware
async def origin_middleware(request: web.Request, handler):
    origin = request.headers.get("Origin")
    if not origin_allowed(origin, local_port(request)):
        raise Forbidden("web_page_request")
    if request.method == "OPTIONS" and origin:  # an extension's CORS preflight
        return web.Response(status=204, headers=cors_headers(origin))
    response = await handler(request)
    if origin and origin.startswith(EXTENSION_SCHEMES):
        response.headers.update(cors_headers(origin))
    return response


def cors_headers(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, PUT",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Vary": "Origin",
    }


def credential_middleware(credentials: Credentials, access_of: Callable[[web.Request], str]):
    """401 without the credential a route needs; 403 with a weaker one (the extension's
    token on an owner's route)."""

    @web.middleware
    async def check_credential(request: web.Request, handler):
        needed, level = access_of(request), proven(request, credentials)
        if RANK[level] < RANK[needed]:
            if level == PUBLIC:
                raise Unauthorized("token_needed")
            raise Forbidden("extension_key_may_not")
        request[CREDENTIAL] = level
        return await handler(request)

    return check_credential


def body_limit(request: web.Request) -> int:
    """MAX_BODY_BYTES, but an import's export document may hold years of events."""
    return MAX_IMPORT_BYTES if request.path == f"{API_PREFIX}/import" else MAX_BODY_BYTES


@web.middleware
async def body_middleware(request: web.Request, handler):
    """Bodies only as JSON and at most body_limit (aiohttp enforces the read limit)."""
    if request.body_exists or request.method in ("POST", "PUT", "PATCH"):
        limit = body_limit(request)
        if request.content_length is not None and request.content_length > limit:
            raise BodyTooLarge("body_too_large", limit=limit)
        if request.content_type != "application/json":
            raise UnsupportedMediaType("body_not_json_type")
    return await handler(request)


def same_user_middleware(uid: int):
    """Refuse a connection from another user's socket (Linux; see peers.py)."""

    owners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # transport -> uid

    @web.middleware
    async def only_this_user(request: web.Request, handler):
        transport = request.transport
        if transport is not None and sys.platform.startswith("linux"):
            if transport not in owners:  # once per connection: keep-alive requests reuse it
                peer, local = (transport.get_extra_info(name) for name in ("peername",
                                                                           "sockname"))
                # A busy machine's table takes milliseconds to read: not on the event loop.
                owners[transport] = await asyncio.to_thread(peer_uid, tuple(peer[:2]),
                                                            tuple(local[:2]))
            owner = owners[transport]
            if owner is not None and owner != uid:
                raise Forbidden("other_user")
        return await handler(request)

    return only_this_user


def middlewares(credentials: Credentials, access_of: Callable[[web.Request], str],
                lang: str) -> list:
    """`lang`: the daemon's own language, for an error whose request asks for neither."""
    return [
        error_middleware(MAX_BODY_BYTES, "the_daemon", lambda request: lang),
        same_user_middleware(os.getuid() if hasattr(os, "getuid") else -1),
        host_middleware,
        origin_middleware,
        credential_middleware(credentials, access_of),
        body_middleware,
    ]


