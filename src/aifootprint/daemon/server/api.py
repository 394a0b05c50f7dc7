"""HTTP handlers of /api/v1 and /pair: parse the request, call one plain function, answer.

No SQL here and no HTTP errors raised: errors.py exceptions become the JSON error
shape in core/web.py's error middleware.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

from aiohttp import web

from ... import __version__
from ...core.errors import InvalidInput
from ...core.web import accepted_lang, page_headers, read_json
from ...model.events import event_row, parse_batch
from ..services.exchange import MAX_IMPORT_BYTES, export_rows, import_rows
from ..services.recording import add_events_unless_paused
from ..services.reports import (
    days_report_texts,
    factors_in_force,
    parse_date,
    parse_period,
    summary_answer,
)
from ..services.settings import (
    change_settings,
    page_language,
    parse_settings,
    settings_in_force,
)
from .keys import CONFIG, CREDENTIALS, FACTORS, OPENAPI, STORE
from .pairing import render_pair_page
from .security import CHALLENGE, daemon_proof, has_session, local_port, owner_for

# What the browser extension's token may change (the popup's switch and activity).
EXTENSION_SETTINGS = ("paused", "label")

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
CHUNK_CHARS = 64 * 1024  # below glibc's first mmap threshold (128 KiB): see json_array


async def json_array(texts: list[str]) -> AsyncIterator[bytes]:
    """A JSON array of JSON texts, sent in pieces of about CHUNK_CHARS.

    A year's report is about 1.3 MB. Built as one buffer per request it raised glibc's
    mmap threshold, so such buffers then came from (and fragmented) the thread's heap:
    the daemon stayed ~5 MB larger after answering a few of them.
    """
    piece, size = ["["], 0
    for index, text in enumerate(texts):
        if index:
            piece.append(", ")
        piece.append(text)
        size += len(text)
        if size >= CHUNK_CHARS:
            yield "".join(piece).encode()
            piece, size = [], 0
    piece.append("]")
    yield "".join(piece).encode()


def choice(request: web.Request) -> tuple[str | None, str | None]:
    """The dashboard's profile/location override, if any."""
    return request.query.get("profile") or None, request.query.get("location") or None


async def health(request: web.Request) -> web.Response:
    answer = {"status": "ok", "version": __version__}
    if "challenge" in request.query:  # the extension checks it is this user's daemon
        challenge = request.query["challenge"]
        if not CHALLENGE.fullmatch(challenge):
            raise InvalidInput("challenge_format", field="challenge")
        answer["proof"] = daemon_proof(request.app[CREDENTIALS].extension_token,
                                       local_port(request), challenge)
    return web.json_response(answer)


async def post_events(request: web.Request) -> web.Response:
    events = parse_batch(await read_json(request))
    received_at = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [event_row(event, received_at) for event in events]
    return web.json_response(await request.app[STORE].write(add_events_unless_paused, rows))


async def post_import(request: web.Request) -> web.Response:
    """An export document (`aifootprint import` sends it), validated whole, stored at once."""
    document = await read_json(request.clone(client_max_size=MAX_IMPORT_BYTES))
    rows = await asyncio.to_thread(export_rows, document)  # a large one takes a while
    imported, duplicates = await request.app[STORE].write(import_rows, rows)
    return web.json_response({"imported": imported, "duplicates": duplicates})


async def summary(request: web.Request) -> web.Response:
    day = parse_date(request.query["date"], "date") if "date" in request.query else date.today()
    app = request.app
    result = await app[STORE].read(
        summary_answer, app[FACTORS], app[CONFIG], day, *choice(request)
    )
    return web.json_response(result)


async def days(request: web.Request) -> web.Response:
    first, last = parse_period(request.query.get("from"), request.query.get("to"))
    app = request.app
    texts = await app[STORE].read(
        days_report_texts, app[FACTORS], app[CONFIG], first, last, *choice(request)
    )
    return web.Response(body=json_array(texts), headers=JSON_HEADERS)


async def factors(request: web.Request) -> web.Response:
    app = request.app
    result = await app[STORE].read(factors_in_force, app[FACTORS], app[CONFIG], *choice(request))
    return web.json_response(result)


async def get_settings(request: web.Request) -> web.Response:
    app = request.app
    return web.json_response(await app[STORE].read(settings_in_force, app[FACTORS], app[CONFIG]))


async def put_settings(request: web.Request) -> web.Response:
    app = request.app
    values = parse_settings(await read_json(request), app[FACTORS])
    owner_for(request, values, EXTENSION_SETTINGS)
    return web.json_response(
        await app[STORE].write(change_settings, app[FACTORS], app[CONFIG], values))


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


async def pair(request: web.Request) -> web.StreamResponse:
    app = request.app
    lang = await app[STORE].read(page_language, app[CONFIG], request.query.get("lang"),
                                 accepted_lang(request))
    credentials = app[CREDENTIALS]
    token = credentials.extension_token if has_session(request, credentials.logins) else None
    html = render_pair_page(f"http://127.0.0.1:{local_port(request)}", token, lang)
    return page_headers(web.Response(text=html, content_type="text/html"))
