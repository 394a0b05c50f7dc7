"""Dashboard API of class sharing (/api/v1/class/...): thin handlers over sharing.py.

The daemon's token, Host and Origin rules apply as to every /api/v1 route. Joining
needs an explicit "confirm": true after the page showed the explanation and preview.
Bodies are validated with the models in schemas.py.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from ...core.errors import validated
from ...core.web import accepted_lang, read_json
from ..services import sharing
from .keys import SHARING, STORE
from .schemas import ClassAsk, ClassJoin


async def _preview(request: web.Request, member: dict, done: set[str]) -> dict:
    return await request.app[STORE].read(sharing.preview_from_store, member, done, datetime.now())


async def status(request: web.Request) -> web.Response:
    return web.json_response(await request.app[SHARING].read(sharing.status_of))


async def preview(request: web.Request) -> web.Response:
    """Before joining: the class, the explanation (nl and en) and the exact submission."""
    ask = validated(ClassAsk, await read_json(request))
    code, server = ask.code.strip(), sharing.check_server(ask.server)
    info = await sharing.lookup_class(server, code,
                                      accepted_lang(request) or request.app[SHARING].lang)
    candidate = sharing.membership_row(info, server, sharing.new_pseudonym(), datetime.now())
    return web.json_response({
        "class": info,
        "explanation": {lang: sharing.explanation(info, server, lang, "stop_page")
                        for lang in ("nl", "en")},
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
    ask = validated(ClassJoin, await read_json(request))  # confirm: true, the student's yes
    state = request.app[SHARING]
    member = await state.join(ask.server, ask.code.strip(), ask.pseudonym, datetime.now(),
                              accepted_lang(request))
    return web.json_response(await state.read(sharing.status_of) | {"joined": member["name"]})


async def leave(request: web.Request) -> web.Response:
    left = await request.app[SHARING].leave()
    return web.json_response({"left": left, "member": False})
