"""Replica of sora.chatgpt.com: POST /backend/nf/create (and /backend/nf/create/storyboard)
with kind "video" starts a video of n_frames frames at 30 a second (a remix names
remix_target_id), POST /backend/video_gen with type image_gen makes n_variants images; the
page then polls /backend/nf/pending/v2 and reads its drafts, and may publish a post: none
of that counts. Shapes: tests/extension/fixtures/sora/ (create-video, storyboard, image-gen,
polling-not-counted)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import ReplicaState, create_site_app, page_route

HOSTS = ("sora.chatgpt.com",)
PAGE = "sora.html"
PENDING = web.AppKey("pending", dict)  # task id -> polls left while it runs


def _task(request: web.Request) -> web.Response:
    task = f"task_{uuid.uuid4().hex[:24]}"
    request.app[PENDING][task] = 1
    return web.json_response({"id": task})


async def create(request: web.Request) -> web.Response:
    await request.json()
    return _task(request)


async def video_gen(request: web.Request) -> web.Response:
    await request.json()
    return _task(request)


async def pending(request: web.Request) -> web.Response:
    running = request.app[PENDING]
    answer = [{"id": task, "status": "running", "progress_pct": 0.4} for task in running]
    for task in list(running):
        running[task] -= 1
        if running[task] < 0:
            del running[task]
    return web.json_response(answer)


async def drafts(request: web.Request) -> web.Response:
    draft = {"id": f"gen_{uuid.uuid4().hex[:12]}", "kind": "sora_draft"}
    return web.json_response({"items": [draft], "cursor": None})


async def post(request: web.Request) -> web.Response:
    await request.json()
    return web.json_response({"post": {"id": f"s_{uuid.uuid4().hex[:12]}"}})


def create_app(state: ReplicaState) -> web.Application:
    app = create_site_app(state, [
        page_route(PAGE),
        web.post("/backend/nf/create", create),
        web.post("/backend/nf/create/storyboard", create),
        web.post("/backend/video_gen", video_gen),
        web.get("/backend/nf/pending/v2", pending),
        web.get("/backend/project_y/profile/drafts", drafts),
        web.post("/backend/project_y/post", post),
    ])
    app[PENDING] = {}
    return app
