"""HTTP handlers of the aggregator: parse the request, call one store function, answer JSON.

Store calls run through the app's Database (core/database.py): writes on its single
writer thread, submissions that arrive together committed in one transaction (group
commit), each in its own savepoint with its own answer. Nothing here reads or logs the
client's address.
"""

from __future__ import annotations

import logging

from aiohttp import web

from .. import __version__
from ..core.errors import (
    BodyTooLarge,
    Busy,
    InvalidInput,
    TeacherKeyWrong,
    UnsupportedMediaType,
)
from ..core.web import page_headers, page_lang, read_json
from .app_keys import CONFIG, STORE
from .report import teacher_report
from .store import AggregatorStore
from .teacher_page import render_teacher_page

# Students send a few numbers; nothing legitimate is larger than this.
MAX_BODY_BYTES = 4096


log = logging.getLogger("aifootprint.aggregator")


async def json_body(request: web.Request) -> dict:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("body_not_json_type")
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:
        raise BodyTooLarge("body_length", limit=MAX_BODY_BYTES)
    body = await read_json(request)
    if not isinstance(body, dict):
        raise InvalidInput("body_not_object", field="body")
    return body


async def ready(request: web.Request) -> web.Response:
    """Ready for students and teachers: the database answers (a load balancer's check);
    503 while it cannot, with the error shape."""
    try:
        classes = await request.app[STORE].read(AggregatorStore.classes_count)
    except Exception:  # any failure means not ready; the log has it
        log.exception("readiness check failed")
        raise Busy("class_db_not_ready") from None
    return web.json_response({"status": "ready", "classes": classes})


async def health(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return web.json_response({"status": "ok", "version": __version__,
                              "test_clock": config.test_clock_file is not None})


async def lookup(request: web.Request) -> web.Response:
    body = await json_body(request)
    info = await request.app[STORE].read(AggregatorStore.lookup, body.get("code", ""),
                                         request.app[CONFIG].now())
    return web.json_response(info)


async def join(request: web.Request) -> web.Response:
    body = await json_body(request)
    info = await request.app[STORE].write(AggregatorStore.join, body.get("code", ""),
                                          body.get("pseudonym", ""), request.app[CONFIG].now())
    return web.json_response(info)


async def submit(request: web.Request) -> web.Response:
    body = await json_body(request)
    await request.app[STORE].write(AggregatorStore.submit, body, request.app[CONFIG].now())
    return web.json_response({"accepted": True})


async def report(request: web.Request) -> web.Response:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise TeacherKeyWrong("teacher_key_missing")
    # A write: the report first releases every period that is due.
    answer = await request.app[STORE].write(teacher_report, request.app[CONFIG],
                                            request.match_info["class_id"], key)
    return web.json_response(answer)


async def teacher_page(request: web.Request) -> web.StreamResponse:
    lang = page_lang(request, request.app[CONFIG].lang)
    page = web.Response(text=render_teacher_page(lang),
                        content_type="text/html")
    return page_headers(page)
