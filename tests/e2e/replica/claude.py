"""Replica of claude.ai: completion and retry_completion answered with the Messages-style SSE
stream; creating, reading, titling and listing conversations must not be counted."""

from __future__ import annotations

import time
import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route, stream_sse

HOSTS = ("claude.ai",)
PAGE = "claude.html"
BASE = "/api/organizations/{org}/chat_conversations"


async def completion(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    message = {"id": f"chatcompl_{uuid.uuid4().hex[:24]}", "type": "message",
               "role": "assistant", "model": "", "uuid": str(uuid.uuid4()),
               "parent_uuid": body.get("parent_message_uuid"), "content": [],
               "stop_reason": None, "stop_sequence": None}
    first = [("message_start", {"type": "message_start", "message": message}),
             ("content_block_start", {"type": "content_block_start", "index": 0,
                                      "content_block": {"start_timestamp": time.time(),
                                                        "type": "text", "text": "",
                                                        "citations": []}})]
    chunk = ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta",
                                               "text": request.app[STATE].chunk_text}})
    last = [("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta",
                               "delta": {"stop_reason": "end_turn", "stop_sequence": None}}),
            ("message_limit", {"type": "message_limit",
                               "message_limit": {"type": "within_limit", "resetsAt": None}}),
            ("message_stop", {"type": "message_stop"})]
    return await stream_sse(request, first, chunk, last)


async def create_conversation(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"uuid": body.get("uuid") or str(uuid.uuid4()), "name": "",
                              "model": body.get("model"), "settings": {}}, status=201)


async def read_conversation(request: web.Request) -> web.Response:
    return web.json_response({"uuid": request.match_info["conversation"],
                              "name": "Replica chat", "chat_messages": []})


async def title(request: web.Request) -> web.Response:
    return web.json_response({"title": "Replica chat"}, status=202)


async def list_conversations(request: web.Request) -> web.Response:
    return web.json_response([])


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post(BASE + "/{conversation}/completion", completion),
        web.post(BASE + "/{conversation}/retry_completion", completion),
        web.post(BASE, create_conversation),
        web.get(BASE, list_conversations),
        web.get(BASE + "/{conversation}", read_conversation),
        web.post(BASE + "/{conversation}/title", title),
    ])
