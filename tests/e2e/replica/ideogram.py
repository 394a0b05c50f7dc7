"""Replica of ideogram.ai: POST /api/images/sample starts a generation (num_images, or the
site's 4 when the client leaves it out) and POST /api/gallery/retrieve-requests polls it,
which must not count. Shapes: tests/extension/fixtures/ideogram/ (sample,
sample-default-count, polling-not-counted)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import ReplicaState, create_site_app, page_route

HOSTS = ("ideogram.ai",)
PAGE = "ideogram.html"


async def sample(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"request_id": uuid.uuid4().hex[:22], "user_id": body.get("user_id")})


async def retrieve_requests(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"sampling_requests": [
        {"request_id": request_id, "is_completed": True, "responses": []}
        for request_id in body.get("request_ids", [])]})


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/api/images/sample", sample),
        web.post("/api/gallery/retrieve-requests", retrieve_requests),
    ])
