"""Who may talk to the daemon: its middlewares (the token itself is in daemon/token.py).

Threats: another user of the same computer (their sockets are refused on Linux), a web
page in the user's browser (cross-site requests, DNS rebinding, framing
the /pair page) and other programs guessing at the API. Defences, outermost first:
errors -> same user (Linux) -> Host allowlist -> Origin rule -> token on /api/v1 ->
JSON-only, bounded bodies.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import sys
import weakref

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
from .keys import CONFIG
from .peers import peer_uid

API_PREFIX = "/api/v1"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://")


def token_matches(header: str, token: str) -> bool:
    if len(token) < MIN_TOKEN_CHARS:
        return False
    scheme, _, given = header.partition(" ")
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches


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


def needs_token(request: web.Request) -> bool:
    if not request.path.startswith(API_PREFIX):
        return False
    return not (request.method in ("GET", "HEAD") and request.path == f"{API_PREFIX}/health")


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


def token_middleware(token: str):
    @web.middleware
    async def check_token(request: web.Request, handler):
        if needs_token(request) and not token_matches(
            request.headers.get("Authorization", ""), token
        ):
            raise Unauthorized("token_needed")
        return await handler(request)

    return check_token


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


def middlewares(token: str) -> list:
    return [
        error_middleware(MAX_BODY_BYTES, "the_daemon", lambda request: request.app[CONFIG].lang),
        same_user_middleware(os.getuid() if hasattr(os, "getuid") else -1),
        host_middleware,
        origin_middleware,
        token_middleware(token),
        body_middleware,
    ]


