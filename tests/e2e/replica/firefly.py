"""Replica of firefly.adobe.com and its partner-model API host firefly-3p.ff.adobe.io
(cross-origin, with CORS): POST /v2/3p-images/generate-async (n images, 1 when left out) and
POST /v2/3p-videos/generate-async (Veo with modelSpecificPayload.parameters.durationSeconds,
Sora 2 and Kling with duration), both answered 202, then polling GET /v2/status/{job},
which must not count. Adobe's own models (firefly-api.adobe.io v3) are not replicated: no
public evidence shows the web app calling them. Shapes: tests/extension/fixtures/firefly/
(partner-generate, partner-generate-default-count, partner-video, polling-not-counted)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import ReplicaState, create_site_app, page_route

HOSTS = ("firefly.adobe.com", "firefly-3p.ff.adobe.io")
PAGE = "firefly.html"
POLLS = web.AppKey("polls", dict)  # job -> polls so far


def _status_url(request: web.Request, job: str) -> str:
    return f"https://{request.host}/v2/status/{job}"


async def generate_images(request: web.Request) -> web.Response:
    await request.json()
    job = uuid.uuid4().hex
    request.app[POLLS][job] = 0
    return web.json_response({"jobId": job, "statusUrl": _status_url(request, job)}, status=202)


async def generate_videos(request: web.Request) -> web.Response:
    await request.json()
    job = uuid.uuid4().hex
    request.app[POLLS][job] = 0
    return web.json_response({"links": {"result": {"href": _status_url(request, job)}}},
                             status=202)


async def status(request: web.Request) -> web.Response:
    job = request.match_info["job"]
    polls = request.app[POLLS]
    if job not in polls:
        raise web.HTTPNotFound()
    polls[job] += 1
    if polls[job] == 1:
        return web.json_response({"status": "RUNNING"})
    return web.json_response({"status": "COMPLETED",
                              "outputs": [{"seed": 1, "image": {"id": job}}]})


def create_app(state: ReplicaState) -> web.Application:
    app = create_site_app(state, [
        page_route(PAGE),
        web.post("/v2/3p-images/generate-async", generate_images),
        web.post("/v2/3p-videos/generate-async", generate_videos),
        web.get("/v2/status/{job}", status),
    ])
    app[POLLS] = {}
    return app
