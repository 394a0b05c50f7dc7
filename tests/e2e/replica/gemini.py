"""Replica of gemini.google.com: StreamGenerate (XHR, form body f.req=..., an answer starting
with )]}' and made of length-prefixed frames; generated images in the last frame's
candidate[12][7][0], an image edit at [12][0]["8"][0], a Veo video at [12][59] with its URLs
at [0][0][0][0][7], an earlier frame holding its placeholder) and batchexecute calls (ESY5D
before every send, MaZiqc, hNvQHb after) that must not be counted. Everything also under the
account prefix /u/N/ (the page at /u/1/app is the second signed-in Google account).
Shapes: tests/extension/fixtures/gemini/ (generate-images, edit-image, generate-video,
generate-second-account)."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_routes

HOSTS = ("gemini.google.com",)
PAGE = "gemini.html"
PREFIX = ")]}'\n"


def _frame(envelope: list) -> str:
    text = json.dumps(envelope, separators=(",", ":"))
    return f"\n{len(text) + 1}\n{text}"


def _image(n: int) -> list:
    return [None, None, None, [None, 1, f"image_{n}.png", f"https://lh3.googleusercontent.com/gg/{n}"]]


def _candidate(candidate_id: str, text: str, media: str) -> list:
    """media: '' (text), 'images' (2 generated), 'edit' (1 edited), 'video-placeholder' (a
    Veo video still being made, no URLs), 'video' (the video with its URLs)."""
    candidate = [candidate_id, [text], []] + [None] * 10
    if media == "images":
        candidate[12] = [None] * 7 + [[[[_image(n)] for n in range(2)]]]
    elif media == "edit":
        candidate[12] = [{"8": [[[_image(0), ["http://googleusercontent.com/image_generation_content/0"]]]]}]
    elif media.startswith("video"):
        urls = [] if media == "video-placeholder" else [[
            "https://lh3.googleusercontent.com/thumb",
            "https://contribution.usercontent.google.com/download?filename=video.mp4"]]
        candidate[12] = [None] * 59 + [[[[[[None] * 7 + urls]]]]]
    return candidate


def _answer(conversation: list, text: str, media: str = "") -> str:
    inner = [None, conversation[:2], None, None, [_candidate(conversation[2], text, media)]]
    return _frame([["wrb.fr", None, json.dumps(inner, separators=(",", ":"))]])


def _media(prompt: str) -> str:
    """The real model decides from the prompt; the replica draws, edits or films when told."""
    first = prompt.lower().split(" ", 1)[0]
    return {"draw": "images", "edit": "edit", "film": "video"}.get(first, "")


async def stream_generate(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    outer = json.loads(form["f.req"])
    media = _media(json.loads(outer[1])[0][0])
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
        await response.write(_answer(conversation, text).encode())
    if media == "video":
        await response.write(_answer(conversation, text, "video-placeholder").encode())
    await response.write(_answer(conversation, text, media).encode())
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
    data = "/_/BardChatUi/data"
    routes = [*page_routes(PAGE, "/app", r"/u/{account:\d+}/app")]
    for prefix in ("", r"/u/{account:\d+}"):
        routes += [
            web.post(f"{prefix}{data}/assistant.lamda.BardFrontendService/StreamGenerate",
                     stream_generate),
            web.post(f"{prefix}{data}/batchexecute", batchexecute),
        ]
    return create_site_app(state, routes)
