"""Replica of chat.mistral.ai (Le Chat): a new chat is created with the tRPC call
message.newChat, then POST /api/chat (mode start) answers the first message; later messages
are mode append, a retry mode retry. The answer streams as text lines ("15:{...}", "0:\\"...\\"").
newChat must not count (the /api/chat that follows is the prompt). Shapes:
tests/extension/fixtures/mistral/ (chat-start, chat-append, chat-retry, new-chat-not-counted);
all from the team's captures (no public client)."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route

HOSTS = ("chat.mistral.ai",)
PAGE = "mistral.html"


async def new_chat(request: web.Request) -> web.Response:
    await request.json()
    return web.json_response([{"result": {"data": {"json": {"chatId": str(uuid.uuid4())}}}}])


async def chat(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    state = request.app[STATE]
    state.note(request, f"mode {body.get('mode')}")
    response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
    await response.prepare(request)
    message = {"json": {"type": "message", "messageId": str(uuid.uuid4())}}
    await response.write(f"15:{json.dumps(message)}\n".encode())
    for _ in range(state.stream_chunks):
        await asyncio.sleep(state.chunk_delay)
        await response.write(f"0:{json.dumps(state.chunk_text)}\n".encode())
    await response.write_eof()
    return response


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/api/trpc/message.newChat", new_chat),
        web.post("/api/chat", chat),
    ])
