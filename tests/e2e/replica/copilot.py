"""Replica of copilot.microsoft.com: the chat WebSocket /c/api/chat?api-version=2. The client
sends setOptions and pings (not counted) and one {"event":"send"} frame per prompt; the
server answers with received/startMessage/appendText/done, a titleUpdate, and for a drawing
generatingImage, partialImageGenerated and one imageGenerated per image."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiohttp import WSMsgType, web

from .common import STATE, ReplicaState, create_site_app, page_route

HOSTS = ("copilot.microsoft.com",)
PAGE = "copilot.html"


async def _answer(ws: web.WebSocketResponse, state: ReplicaState, frame: dict) -> None:
    message_id = str(uuid.uuid4())
    conversation_id = frame.get("conversationId")
    await ws.send_json({"event": "received", "conversationId": conversation_id,
                        "messageId": str(uuid.uuid4()), "createdAt": "2026-11-29T04:00:00Z"})
    await ws.send_json({"event": "startMessage", "messageId": message_id})
    for _ in range(state.stream_chunks):
        await asyncio.sleep(state.chunk_delay)
        await ws.send_json({"event": "appendText", "messageId": message_id,
                            "text": state.chunk_text, "partId": "0"})
    text = " ".join(part.get("text", "") for part in frame.get("content", []))
    if text.lower().startswith("draw"):
        await ws.send_json({"event": "generatingImage", "messageId": message_id})
        await ws.send_json({"event": "partialImageGenerated", "messageId": message_id,
                            "progress": 0.5})
        await ws.send_json({"event": "imageGenerated", "messageId": message_id,
                            "mediaId": str(uuid.uuid4()), "title": "Replica drawing",
                            "url": "https://copilot.microsoft.com/th/id/replica.png",
                            "thumbnailUrl": "https://copilot.microsoft.com/th/id/replica-t.png"})
    await ws.send_json({"event": "partCompleted", "messageId": message_id, "partId": "0"})
    await ws.send_json({"event": "done", "messageId": message_id})
    await ws.send_json({"event": "titleUpdate", "conversationId": conversation_id,
                        "title": "Replica chat"})


async def chat(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    state = request.app[STATE]
    async for message in ws:
        if message.type != WSMsgType.TEXT:
            continue
        frame = json.loads(message.data)
        if frame.get("event") == "send":
            await _answer(ws, state, frame)
        elif frame.get("event") == "ping":
            await ws.send_json({"event": "pong"})
    return ws


async def create_conversation(request: web.Request) -> web.Response:
    return web.json_response({"id": str(uuid.uuid4()), "title": None,
                              "updatedAt": "2026-11-29T04:00:00Z"})


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.get("/c/api/chat", chat),
        web.post("/c/api/conversations", create_conversation),
    ])
