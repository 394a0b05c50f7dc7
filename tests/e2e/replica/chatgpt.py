"""Replica of chatgpt.com: the conversation SSE stream (v1 delta encoding) with the model in
message.metadata, image turns (system_hints picture_v2 -> a tool message with an
image_asset_pointer part, also returned later by GET /conversation/{id}), and the calls around
a send that must not be counted: sentinel, prepare, gen_title, moderations, conversation
reads, stream_status."""

from __future__ import annotations

import time
import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route, stream_sse

HOSTS = ("chatgpt.com",)
PAGE = "chatgpt.html"
MODEL_SLUG = "gpt-4o"
RESOLVED_MODEL_SLUG = "gpt-4o-2024-11-20"

CONVERSATIONS = web.AppKey("conversations", dict)


def _message(role: str, parts: list, content_type: str = "text", **metadata) -> dict:
    return {
        "id": str(uuid.uuid4()), "author": {"role": role, "name": metadata.pop("name", None),
                                            "metadata": {}},
        "create_time": time.time(), "update_time": None,
        "content": {"content_type": content_type, "parts": parts},
        "status": "in_progress", "end_turn": None, "weight": 1.0,
        "metadata": {"model_slug": MODEL_SLUG, "resolved_model_slug": RESOLVED_MODEL_SLUG,
                     "default_model_slug": "auto", "parent_id": None, **metadata},
        "recipient": "all", "channel": None,
    }


def _image_message() -> dict:
    asset = f"sediment://file_{uuid.uuid4().hex}"
    part = {"content_type": "image_asset_pointer", "asset_pointer": asset,
            "size_bytes": 2_317_005, "width": 1024, "height": 1024, "fovea": None,
            "metadata": {"dalle": {"gen_id": uuid.uuid4().hex[:16], "prompt": "",
                                   "seed": None, "parent_gen_id": None, "edit_op": None,
                                   "serialization_title": "DALL-E generation metadata"},
                         "generation": {"gen_id": uuid.uuid4().hex[:16], "gen_size": "image",
                                        "height": 1024, "width": 1024,
                                        "transparent_background": False}}}
    return _message("tool", [part], "multimodal_text", name="t2uay3k.sj1i4kz",
                    image_gen_title="Replica image")


async def conversation(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    conversation_id = body.get("conversation_id") or str(uuid.uuid4())
    turns = request.app[CONVERSATIONS].setdefault(conversation_id, [])
    user = body["messages"][0] if body.get("messages") else None
    assistant = _message("assistant", [""])
    first = [("delta_encoding", '"v1"'),
             (None, {"type": "resume_conversation_token", "token": uuid.uuid4().hex,
                     "conversation_id": conversation_id})]
    if user:  # the real stream echoes the user's message back, text included
        first.append((None, {"type": "input_message", "input_message": user,
                             "conversation_id": conversation_id}))
    first.append(("delta", {"p": "", "o": "add", "c": 0,
                            "v": {"message": assistant, "conversation_id": conversation_id,
                                  "error": None}}))
    first.append((None, {"type": "server_ste_metadata", "conversation_id": conversation_id,
                         "metadata": {"model_slug": MODEL_SLUG, "turn_use_case": "text"}}))
    chunk = ("delta", {"v": request.app[STATE].chunk_text})
    last = [("delta", {"p": "", "o": "patch", "v": [
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": True}]})]
    turns.append(assistant)
    if "picture_v2" in body.get("system_hints", []):
        image = _image_message()
        turns.append(image)
        last.append(("delta", {"p": "", "o": "add", "c": 1,
                               "v": {"message": image, "conversation_id": conversation_id,
                                     "error": None}}))
    last += [(None, {"type": "message_stream_complete", "conversation_id": conversation_id}),
             (None, "[DONE]")]
    return await stream_sse(request, first, chunk, last)


async def sentinel(request: web.Request) -> web.Response:
    return web.json_response({"persona": "chatgpt-freeaccount", "token": uuid.uuid4().hex,
                              "expire_after": 540, "proofofwork": {"required": False},
                              "turnstile": {"required": False}})


async def prepare(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "conduit_token": uuid.uuid4().hex})


async def gen_title(request: web.Request) -> web.Response:
    return web.json_response({"title": "Replica conversation"})


async def moderations(request: web.Request) -> web.Response:
    return web.json_response({"flagged": False, "blocked": False,
                              "moderation_id": f"modr-{uuid.uuid4().hex[:12]}"})


async def read_conversation(request: web.Request) -> web.Response:
    conversation_id = request.match_info["conversation_id"]
    turns = request.app[CONVERSATIONS].get(conversation_id, [])
    mapping = {m["id"]: {"id": m["id"], "message": m, "children": []} for m in turns}
    return web.json_response({"title": "Replica conversation", "mapping": mapping,
                              "conversation_id": conversation_id,
                              "current_node": turns[-1]["id"] if turns else None})


async def stream_status(request: web.Request) -> web.Response:
    return web.json_response({"status": "IS_NOT_STREAMING"})


def create_app(state: ReplicaState) -> web.Application:
    app = create_site_app(state, [
        page_route(PAGE),
        web.post("/backend-api/f/conversation", conversation),
        web.post("/backend-api/sentinel/chat-requirements", sentinel),
        web.post("/backend-api/f/conversation/prepare", prepare),
        web.post("/backend-api/conversation/gen_title/{conversation_id}", gen_title),
        web.post("/backend-api/moderations", moderations),
        web.get("/backend-api/conversation/{conversation_id}", read_conversation),
        web.get("/backend-api/conversation/{conversation_id}/stream_status", stream_status),
    ])
    app[CONVERSATIONS] = {}
    return app
