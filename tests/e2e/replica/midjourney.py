"""Replica of www.midjourney.com: POST /api/submit-jobs answers success[] with meta.batch_size
(imagine -> 4 images, upscale -> 1, video -> a job that is no image); the job polling and the
feed must not be counted."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import ReplicaState, create_site_app, page_route

HOSTS = ("www.midjourney.com",)
PAGE = "midjourney.html"
BATCH_SIZE = {"imagine": 4, "vary": 4, "upscale": 1, "pan": 4, "video": 4}


async def submit_jobs(request: web.Request) -> web.Response:
    body = await request.json()
    kind = body["t"]
    job = {"job_id": str(uuid.uuid4()), "prompt": body.get("prompt", ""), "is_queued": False,
           "event_type": "video_diffusion" if kind == "video" else "diffusion",
           "softban": False,
           "meta": {"height": 816, "width": 1456, "batch_size": BATCH_SIZE[kind],
                    "parent_id": body.get("id"), "parent_grid": body.get("index")}}
    return web.json_response({"success": [job], "failure": []})


async def job_status(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response([{"id": job_id, "current_status": "completed",
                               "percentage_complete": 100} for job_id in body["jobIds"]])


async def recent_jobs(request: web.Request) -> web.Response:
    return web.json_response({"data": [], "cursor": None})


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/api/submit-jobs", submit_jobs),
        web.post("/api/get-job-status", job_status),
        web.get("/api/imagine", recent_jobs),
    ])
