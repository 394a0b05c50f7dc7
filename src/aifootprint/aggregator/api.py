"""HTTP handlers of the aggregator: parse the request, call one store function, answer JSON.

Store calls run through the app's database access (store.aggregator_database): on SQLite
writes on its single writer thread, submissions that arrive together committed in one
transaction (group commit), each in its own savepoint with its own answer; on PostgreSQL
each in its own transaction on a pool thread. Nothing here logs the client's address;
lookups and joins are counted per address by rate_limit.py, under a keyed hash held in
memory only.
"""

from __future__ import annotations

import logging

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..core.errors import (
    BodyTooLarge,
    Busy,
    InvalidInput,
    TeacherKeyWrong,
    UnsupportedMediaType,
    validated,
)
from ..core.web import page_headers, page_lang, read_json
from ..model.factors import load_factors
from ..model.join_link import STUDENT_DASHBOARD, join_link
from .app_keys import CONFIG, LIMITER, STORE
from .qr import qr_data_uri
from .report import teacher_report
from .store import AggregatorStore
from .teacher_page import render_teacher_page

# Students send a few numbers; nothing legitimate is larger than this.
MAX_BODY_BYTES = 4096


class JoiningChange(BaseModel):
    """What the teacher changes about joining; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid", strict=True)
    open: bool | None = None
    seats: int | None = None


class ResetAsk(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    server: str | None = Field(None, max_length=200, pattern=r"^https?://[^\s/?#]+$")


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
    request.app[LIMITER].check(request.remote)  # counted under a keyed hash, never kept
    body = await json_body(request)
    info = await request.app[STORE].read(AggregatorStore.lookup, body.get("code", ""),
                                         request.app[CONFIG].now())
    return web.json_response(info)


async def join(request: web.Request) -> web.Response:
    request.app[LIMITER].check(request.remote)
    body = await json_body(request)
    info = await request.app[STORE].write(AggregatorStore.join, body.get("code", ""),
                                          body.get("pseudonym", ""), request.app[CONFIG].now())
    return web.json_response(info)


async def submit(request: web.Request) -> web.Response:
    body = await json_body(request)
    await request.app[STORE].write(AggregatorStore.submit, body, request.app[CONFIG].now())
    return web.json_response({"accepted": True})


def teacher_key(request: web.Request) -> str:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise TeacherKeyWrong("teacher_key_missing")
    return key


async def report(request: web.Request) -> web.Response:
    key = teacher_key(request)
    # A write: the report first releases every period that is due.
    answer = await request.app[STORE].write(teacher_report, request.app[CONFIG],
                                            request.match_info["class_id"], key)
    return web.json_response(answer)


async def joining(request: web.Request) -> web.Response:
    """The teacher closes or reopens joining, or changes the seats: {"open", "seats"}."""
    key = teacher_key(request)
    ask = validated(JoiningChange, await json_body(request))
    answer = await request.app[STORE].write(AggregatorStore.set_joining,
                                            request.match_info["class_id"], key, ask.open,
                                            ask.seats)
    return web.json_response(answer)


async def reset(request: web.Request) -> web.Response:
    """Start again: members out, a new join code (shown in this answer only). With
    {"server": the class server's address as the teacher's browser reaches it}, also the
    new join link and its QR code, for the lesson."""
    key = teacher_key(request)
    ask = validated(ResetAsk, await json_body(request))
    answer = await request.app[STORE].write(AggregatorStore.reset_members,
                                            request.match_info["class_id"], key,
                                            request.app[CONFIG].now())
    if ask.server:
        link = join_link(STUDENT_DASHBOARD, ask.server, answer["join_code"])
        answer |= {"join_link": link, "qr": qr_data_uri(link)}
    return web.json_response(answer)


async def teacher_page(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    page = web.Response(text=render_teacher_page(page_lang(request, config.lang),
                                                 load_factors(config.factors_path)),
                        content_type="text/html")
    return page_headers(page)
