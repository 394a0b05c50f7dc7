"""Replica of chat.deepseek.com: every answer is an XHR POST under /api/v0/chat/ read as an
event stream: completion (a message), regenerate, edit_message; each after a proof-of-work
challenge (create_pow_challenge), the first after chat_session/create; continue and
resume_stream carry on an answer and history_messages reads the chat: none of those count.
Shapes: tests/extension/fixtures/deepseek/."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route, stream_sse

HOSTS = ("chat.deepseek.com",)
PAGE = "deepseek.html"


async def answer(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    state = request.app[STATE]
    first = [(None, {"v": {"response": {"message_id": 2, "parent_id": body.get("message_id", 1),
                                        "role": "ASSISTANT",
                                        "thinking_enabled": bool(body.get("thinking_enabled")),
                                        "content": ""}}})]
    chunk = (None, {"p": "response/content", "o": "APPEND", "v": state.chunk_text})
    last = [("close", {"click_behavior": "none"})]
    return await stream_sse(request, first, chunk, last)


async def pow_challenge(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"code": 0, "data": {"biz_data": {"challenge": {
        "algorithm": "DeepSeekHashV1", "challenge": uuid.uuid4().hex, "salt": uuid.uuid4().hex[:20],
        "difficulty": 144000, "expire_at": 1_900_000_000_000, "signature": uuid.uuid4().hex,
        "target_path": body.get("target_path")}}}})


async def create_session(request: web.Request) -> web.Response:
    return web.json_response({"code": 0, "data": {"biz_data": {"id": str(uuid.uuid4())}}})


async def history(request: web.Request) -> web.Response:
    return web.json_response({"code": 0, "data": {"biz_data": {"chat_messages": []}}})


def create_app(state: ReplicaState) -> web.Application:
    chat = "/api/v0/chat"
    return create_site_app(state, [
        page_route(PAGE),
        *[web.post(f"{chat}/{name}", answer)
          for name in ("completion", "regenerate", "edit_message", "continue", "resume_stream")],
        web.post(f"{chat}/create_pow_challenge", pow_challenge),
        web.post("/api/v0/chat_session/create", create_session),
        web.get(f"{chat}/history_messages", history),
    ])
