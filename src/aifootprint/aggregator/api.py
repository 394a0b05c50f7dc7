"""HTTP handlers of the aggregator: parse the request, call one store function, answer JSON.

Store calls run on the app's single writer thread (sqlite3 never blocks the loop).
Nothing here reads or logs the client's address.
"""

from __future__ import annotations

import asyncio
from functools import partial

from aiohttp import web

from .. import __version__
from ..core.errors import (
    BodyTooLarge,
    InvalidInput,
    TeacherKeyWrong,
    UnsupportedMediaType,
)
from ..core.web import page_headers, page_lang, read_json
from .app_keys import CONFIG, EXECUTOR, STORE
from .batching import BATCHER
from .report import teacher_report
from .teacher_page import render_teacher_page

# Students send a few numbers; nothing legitimate is larger than this.
MAX_BODY_BYTES = 4096


async def in_writer(request: web.Request, function, *args):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[EXECUTOR], partial(function, *args))


async def json_body(request: web.Request) -> dict:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("The body must be JSON (Content-Type: application/json).")
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:
        raise BodyTooLarge(f"The body must have a length of at most {MAX_BODY_BYTES} bytes.")
    body = await read_json(request)
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.", "body")
    return body


async def health(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return web.json_response({"status": "ok", "version": __version__,
                              "test_clock": config.test_clock_file is not None})


async def lookup(request: web.Request) -> web.Response:
    body = await json_body(request)
    store, now = request.app[STORE], request.app[CONFIG].now()
    return web.json_response(await in_writer(request, store.lookup, body.get("code", ""), now))


async def join(request: web.Request) -> web.Response:
    body = await json_body(request)
    store, now = request.app[STORE], request.app[CONFIG].now()
    info = await in_writer(request, store.join, body.get("code", ""),
                           body.get("pseudonym", ""), now)
    return web.json_response(info)


async def submit(request: web.Request) -> web.Response:
    await request.app[BATCHER].submit(await json_body(request))
    return web.json_response({"accepted": True})


async def report(request: web.Request) -> web.Response:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise TeacherKeyWrong("Give the teacher key as Authorization: Bearer <key>.")
    answer = await in_writer(request, teacher_report, request.app[STORE], request.app[CONFIG],
                             request.match_info["class_id"], key)
    return web.json_response(answer)


async def teacher_page(request: web.Request) -> web.StreamResponse:
    lang = page_lang(request, request.app[CONFIG].lang)
    page = web.Response(text=render_teacher_page(lang),
                        content_type="text/html")
    return page_headers(page)
