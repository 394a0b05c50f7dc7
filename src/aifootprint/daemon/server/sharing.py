"""Dashboard API of class sharing (/api/v1/class/...): thin handlers over sharing.py.

The daemon's token, Host and Origin rules apply as to every /api/v1 route. Joining
needs an explicit "confirm": true after the page showed the explanation and preview.
"""

from __future__ import annotations

import re
from datetime import datetime

from aiohttp import web

from ...core.errors import InvalidInput
from ...core.web import read_json
from ...model import periods
from ..services import sharing
from ..store.events import Store
from .keys import SHARING, STORE

PSEUDONYM = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _fields(body: object, *names: str) -> list[str]:
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.", "body")
    for name in names:
        if not isinstance(body.get(name), str) or not body[name].strip():
            raise InvalidInput(f"{name} is needed.", name)
    return [body[name].strip() for name in names]


async def _preview(request: web.Request, member: dict, done: set[str]) -> dict:
    now = datetime.now()
    period, _ = sharing.next_period(member, done, now)
    days = periods.period_days(member["period_kind"], period)
    counts = await request.app[STORE].read(Store.counts_between, days[0], days[-1])
    return sharing.preview(member, done, lambda _days: counts, now)


async def status(request: web.Request) -> web.Response:
    return web.json_response(await request.app[SHARING].read(sharing.status_of))


async def preview(request: web.Request) -> web.Response:
    """Before joining: the class, the explanation (nl and en) and the exact submission."""
    code, server = _fields(await read_json(request), "code", "server")
    server = sharing.check_server(server)
    info = await sharing.lookup_class(server, code)
    candidate = sharing.membership_row(info, server, sharing.new_pseudonym(), datetime.now())
    return web.json_response({
        "class": info,
        "explanation": {lang: sharing.explanation(info, server, lang) for lang in ("nl", "en")},
        "preview": await _preview(request, candidate, set()),
    })


async def member_preview(request: web.Request) -> web.Response:
    state = request.app[SHARING]
    member = await state.read(sharing.member_of)
    if member is None:
        return web.json_response({"member": False})
    done = await state.read(sharing.done_of)
    return web.json_response({"member": True, "preview": await _preview(request, member, done)})


async def join(request: web.Request) -> web.Response:
    body = await read_json(request)
    code, server, pseudonym = _fields(body, "code", "server", "pseudonym")
    if body.get("confirm") is not True:
        raise InvalidInput("Joining needs the student's confirmation (confirm: true).", "confirm")
    if not PSEUDONYM.match(pseudonym):
        raise InvalidInput("The pseudonym is not one this daemon made.", "pseudonym")
    state = request.app[SHARING]
    member = await state.join(server, code, pseudonym, datetime.now())
    return web.json_response(await state.read(sharing.status_of) | {"joined": member["name"]})


async def leave(request: web.Request) -> web.Response:
    left = await request.app[SHARING].leave()
    return web.json_response({"left": left, "member": False})


def openapi_paths(errors, json_schema) -> dict:
    """The class routes for the daemon's OpenAPI description (openapi.py merges them)."""
    ask = {"type": "object", "required": ["code", "server"], "additionalProperties": False,
           "properties": {"code": {"type": "string"}, "server": {"type": "string",
                                                                  "format": "uri"}}}
    join_body = {**ask, "required": ["code", "server", "pseudonym", "confirm"], "properties": {
        **ask["properties"], "pseudonym": {"type": "string", "pattern": PSEUDONYM.pattern},
        "confirm": {"const": True}}}
    status = json_schema({"type": "object", "required": ["member"]})

    def post(schema: dict, *statuses: int) -> dict:
        return {"requestBody": {"required": True,
                                "content": {"application/json": {"schema": schema}}},
                "responses": {"200": status, **errors(400, 401, 403, 413, 415, 422, *statuses)}}

    return {
        "/class/status": {"get": {"responses": {"200": status, **errors(401, 403)}}},
        "/class/preview": {"get": {"responses": {"200": status, **errors(401, 403)}},
                           "post": post(ask, 502)},
        "/class/join": {"post": post(join_body, 502)},
        "/class/leave": {"post": post({"type": "object"})},
    }
