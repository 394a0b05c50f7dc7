"""Replica of chatgpt.com: the conversation SSE stream (v1 delta encoding) with the model in
message.metadata; image turns (system_hints picture_v2) whose images come as a whole tool
message, as patches of the stream, or later over the user's WebSocket (an image task the
stream only announces); a turn handed off to a WebSocket topic before it names its model;
and the calls around a send that must not be counted: sentinel, prepare, gen_title,
moderations, conversation reads and polls, stream_status, celsius/ws/user, "continue".

The user's WebSocket: GET /backend-api/celsius/ws/user answers its websocket_url, on
ws.chatgpt.com/ws/user/{id}?verify=... as public clients connect to it (docs/sites.md).
Shapes follow tests/extension/fixtures/chatgpt/ (image-turn-patches,
image-task-websocket, stream-handoff-model) and their sources."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from aiohttp import WSMsgType, web

from .common import STATE, ReplicaState, create_site_app, page_route, stream_sse

SOCKET_HOST = "ws.chatgpt.com"
HOSTS = ("chatgpt.com", SOCKET_HOST)
PAGE = "chatgpt.html"
MODEL_SLUG = "gpt-4o"
RESOLVED_MODEL_SLUG = "gpt-4o-2024-11-20"
HANDOFF_MODEL_SLUG = "gpt-5-thinking"  # a thinking turn, the kind that is handed off

CONVERSATIONS = web.AppKey("conversations", dict)
SOCKETS = web.AppKey("sockets", set)
TOPICS = web.AppKey("topics", dict)  # topic_id -> the handed-off turn's message
TASKS = web.AppKey("tasks", set)  # background pushes, kept until done


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


def _asset() -> str:
    return f"sediment://file_{uuid.uuid4().hex}"


def _image_part(asset: str) -> dict:
    return {"content_type": "image_asset_pointer", "asset_pointer": asset,
            "size_bytes": 2_317_005, "width": 1024, "height": 1024, "fovea": None,
            "metadata": {"dalle": {"gen_id": uuid.uuid4().hex[:16], "prompt": "",
                                   "seed": None, "parent_gen_id": None, "edit_op": None,
                                   "serialization_title": "DALL-E generation metadata"},
                         "generation": {"gen_id": uuid.uuid4().hex[:16], "gen_size": "image",
                                        "height": 1024, "width": 1024,
                                        "transparent_background": False}}}


def _image_message() -> dict:
    return _message("tool", [_image_part(_asset())], "multimodal_text", name="t2uay3k.sj1i4kz",
                    image_gen_title="Replica image")


def _add(message: dict, conversation_id: str, c: int) -> tuple[str, dict]:
    return ("delta", {"p": "", "o": "add", "c": c,
                      "v": {"message": message, "conversation_id": conversation_id,
                            "error": None}})


def _patched_images(conversation_id: str) -> list[tuple[str | None, object]]:
    """Two image messages whose assets arrive as patches: one in a `v` list (sent twice, the
    second time in an `o: "patch"` list), one as a lone patch (image-turn-patches.json)."""
    first = _message("tool", [{}], "multimodal_text", name="image_gen", image_gen_title="x")
    second = _message("tool", [{}], "multimodal_text", name="image_gen")
    sediment, file_service = _asset(), f"file-service://file-{uuid.uuid4().hex[:22]}"
    pointer = "/message/content/parts/0/asset_pointer"
    return [
        _add(first, conversation_id, 1),
        ("delta", {"v": [{"p": pointer, "o": "replace", "v": sediment},
                         {"p": "/message/status", "o": "replace", "v": "in_progress"}]}),
        ("delta", {"o": "patch", "v": [
            {"p": pointer, "o": "replace", "v": sediment},
            {"p": "/message/status", "o": "replace", "v": "finished_successfully"}]}),
        _add(second, conversation_id, 2),
        ("delta", {"p": pointer, "o": "replace", "v": file_service}),
        ("delta", {"v": [{"p": "/message/metadata/image_gen_title", "v": "x"}]}),
    ]


def _task_update(conversation_id: str, message: dict, update_type: str) -> dict:
    return {"type": "conversation-update",
            "payload": {"conversation_id": conversation_id, "update_type": update_type,
                        "update_content": {"message": message}}}


async def _send_all(app: web.Application, frame: object) -> None:
    """To every socket of the user (all of its tabs get the updates)."""
    for ws in list(app[SOCKETS]):
        if not ws.closed:
            await ws.send_str(json.dumps(frame))
    await asyncio.sleep(0.02)


async def _deliver_task(app: web.Application, conversation_id: str, task: dict) -> None:
    """The image task's progress over the user's WebSocket (image-task-websocket.json), a
    moment after the stream: it starts, shows 1 image in progress, another tab's task
    finishes, then this one finishes with 2 images, and that final update comes twice. The
    stored conversation (what a poll reads) is finished from the final update on."""
    await asyncio.sleep(app[STATE].push_delay)
    assets = [_asset(), _asset()]
    await _send_all(app, _task_update(conversation_id, {"id": task["id"], "status": "in_progress"},
                                      "async-task-start"))
    in_progress = {**task, "content": {"content_type": "multimodal_text",
                                       "parts": [_image_part(assets[0])]}}
    await _send_all(app, _task_update(conversation_id, in_progress, "async-task-update-message"))
    other = {**_image_message(), "status": "finished_successfully"}
    await _send_all(app, _task_update(str(uuid.uuid4()), other, "async-task-update-message"))
    task["status"] = "finished_successfully"
    task["content"] = {"content_type": "multimodal_text",
                       "parts": [_image_part(asset) for asset in assets]}
    for _ in range(2):
        await _send_all(app, _task_update(conversation_id, task, "async-task-update-message"))


def _in_background(app: web.Application, work) -> None:
    background = asyncio.ensure_future(work)
    app[TASKS].add(background)
    background.add_done_callback(app[TASKS].discard)


async def conversation(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    state = request.app[STATE]
    answer = state.take_answer("chatgpt", "message")
    if body.get("action") != "next":
        state.note(request, f"action {body.get('action')}")
    conversation_id = body.get("conversation_id") or str(uuid.uuid4())
    turns = request.app[CONVERSATIONS].setdefault(conversation_id, [])
    user = body["messages"][0] if body.get("messages") else None
    first = [("delta_encoding", '"v1"'),
             (None, {"type": "resume_conversation_token", "token": uuid.uuid4().hex,
                     "conversation_id": conversation_id})]
    if user:  # the real stream echoes the user's message back, text included
        first.append((None, {"type": "input_message", "input_message": user,
                             "conversation_id": conversation_id}))
    if answer == "handoff":
        # The stream names a topic and ends; the turn (and its model) comes over the socket.
        topic = f"conversation-turn-{uuid.uuid4()}"
        reply = _message("assistant", [state.chunk_text])
        reply["metadata"] = {"model_slug": HANDOFF_MODEL_SLUG}
        request.app[TOPICS][topic] = reply
        first[1][1]["kind"] = "topic"
        first.append((None, {"type": "stream_handoff", "conversation_id": conversation_id,
                             "turn_exchange_id": topic.removeprefix("conversation-turn-"),
                             "options": [{"type": "resume_sse_endpoint", "topic_id": topic},
                                         {"type": "subscribe_ws_topic", "topic_id": topic}]}))
        return await stream_sse(request, first, ("delta", {"v": ""}), [(None, "[DONE]")],
                                chunks=0)
    assistant = _message("assistant", [""])
    first.append(_add(assistant, conversation_id, 0))
    first.append((None, {"type": "server_ste_metadata", "conversation_id": conversation_id,
                         "metadata": {"model_slug": MODEL_SLUG, "turn_use_case": "text"}}))
    chunk = ("delta", {"v": state.chunk_text})
    last = [("delta", {"p": "", "o": "patch", "v": [
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": True}]})]
    turns.append(assistant)
    task = None
    if "picture_v2" in body.get("system_hints", []):
        if answer == "patches":
            last += _patched_images(conversation_id)
        elif answer == "task":
            # Announced only: a finished tool message with an image_gen_task_id, no asset.
            task = _message("tool", [""], name="image_gen",
                            image_gen_task_id=f"task_{uuid.uuid4().hex[:12]}")
            task["status"] = "finished_successfully"
            turns.append(task)
            last.append(_add(dict(task), conversation_id, 1))
            task["status"] = "in_progress"  # what a poll sees until the task is done
            task["content"] = {"content_type": "multimodal_text", "parts": []}
        else:
            image = _image_message()
            turns.append(image)
            last.append(_add(image, conversation_id, 1))
    last += [(None, {"type": "message_stream_complete", "conversation_id": conversation_id}),
             (None, "[DONE]")]
    response = await stream_sse(request, first, chunk, last)
    if task is not None:
        _in_background(request.app, _deliver_task(request.app, conversation_id, task))
    return response


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


async def celsius_user(request: web.Request) -> web.Response:
    """Where the user's WebSocket is (the port only for Firefox, which keeps it in URLs)."""
    port = request.host.partition(":")[2]
    host = f"{SOCKET_HOST}:{port}" if port else SOCKET_HOST
    user, verify = uuid.uuid4().hex, f"{int(time.time())}-{uuid.uuid4().hex}"
    return web.json_response({"websocket_url": f"wss://{host}/ws/user/{user}?verify={verify}"})


async def _stream_topic(ws: web.WebSocketResponse, state: ReplicaState, topic: str,
                        message: dict | None) -> None:
    """A handed-off turn over its topic (stream-handoff-model.json): another topic's item
    first (another tab), then this topic's stream item naming the model, then done."""
    await asyncio.sleep(state.push_delay)

    def item(topic_id: str, reply: dict) -> list:
        encoded = f"event: delta\ndata: {json.dumps({'v': {'message': reply}, 'o': 'add'})}\n\n"
        return [{"type": "message", "topic_id": topic_id,
                 "payload": {"type": "conversation-turn-stream",
                             "payload": {"type": "stream-item", "encoded_item": encoded}}}]

    other = {**_message("assistant", [""]), "metadata": {"model_slug": "gpt-4o-mini"}}
    await ws.send_str(json.dumps(item(f"conversation-turn-{uuid.uuid4()}", other)))
    if message is not None:
        await ws.send_str(json.dumps(item(topic, message)))
    await ws.send_str(json.dumps([{"type": "message", "topic_id": topic,
                                   "payload": {"type": "conversation-turn-stream",
                                               "payload": {"type": "done"}}}]))


async def socket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    app = request.app
    app[SOCKETS].add(ws)
    try:
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            for command in json.loads(frame.data):
                body = command.get("command", {})
                if body.get("type") != "subscribe":
                    continue
                await ws.send_str(json.dumps([{"id": command.get("id"),
                                               "reply": {"recovered": False, "catchups": []}}]))
                topic = body.get("topic_id", "")
                _in_background(app, _stream_topic(ws, app[STATE], topic,
                                                  app[TOPICS].pop(topic, None)))
    finally:
        app[SOCKETS].discard(ws)
    return ws


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
        web.get("/backend-api/celsius/ws/user", celsius_user),
        web.get("/ws/user/{user}", socket),
    ])
    app[CONVERSATIONS] = {}
    app[SOCKETS] = set()
    app[TOPICS] = {}
    app[TASKS] = set()
    return app
