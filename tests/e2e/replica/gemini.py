"""Replica of gemini.google.com: StreamGenerate (XHR, form body f.req=..., an answer starting
with )]}' and made of length-prefixed frames; generated images in the last frame's
candidate[12][7][0]) and batchexecute calls (ESY5D before every send, MaZiqc, hNvQHb after)
that must not be counted."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route

HOSTS = ("gemini.google.com",)
PAGE = "gemini.html"
PREFIX = ")]}'\n"


def _frame(envelope: list) -> str:
    text = json.dumps(envelope, separators=(",", ":"))
    return f"\n{len(text) + 1}\n{text}"


def _candidate(candidate_id: str, text: str, images: int) -> list:
    candidate = [candidate_id, [text], []] + [None] * 10
    if images:
        generated = [[[None, None, None, [None, 1, f"image_{n}.png",
                                          f"https://lh3.googleusercontent.com/gg/{n}"]]]
                     for n in range(images)]
        candidate[12] = [None] * 7 + [[generated]]
    return candidate


def _answer(conversation: list, text: str, images: int) -> str:
    inner = [None, conversation[:2], None, None, [_candidate(conversation[2], text, images)]]
    return _frame([["wrb.fr", None, json.dumps(inner, separators=(",", ":"))]])


async def stream_generate(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    outer = json.loads(form["f.req"])
    prompt = json.loads(outer[1])[0][0]
    # The real model decides to draw from the prompt; the replica draws when asked to.
    images = 2 if prompt.lower().startswith("draw") else 0
    state = request.app[STATE]
    conversation = [f"c_{uuid.uuid4().hex[:16]}", f"r_{uuid.uuid4().hex[:16]}",
                    f"rc_{uuid.uuid4().hex[:16]}"]
    response = web.StreamResponse(headers={
        "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache"})
    await response.prepare(request)
    await response.write(PREFIX.encode())
    text = ""
    for _ in range(state.stream_chunks):
        await asyncio.sleep(state.chunk_delay)
        text += state.chunk_text
        await response.write(_answer(conversation, text, 0).encode())
    await response.write(_answer(conversation, text, images).encode())
    await response.write(_frame([["di", 812], ["af.httprm", 811, "-4532", 31]]).encode())
    await response.write(_frame([["e", 5, None, None, 4123]]).encode())
    await response.write_eof()
    return response


async def batchexecute(request: web.Request) -> web.Response:
    rpc = request.query.get("rpcids", "")
    body = PREFIX + _frame([["wrb.fr", rpc, "[]", None, None, None, "generic"],
                            ["di", 23], ["af.httprm", 22, "-3101", 7]])
    return web.Response(text=body, content_type="application/json")


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate",
                 stream_generate),
        web.post("/_/BardChatUi/data/batchexecute", batchexecute),
    ])
