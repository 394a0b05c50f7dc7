"""Replica of www.midjourney.com: one POST /api/submit-jobs for every job type `t` (imagine,
upscale, remix, video), answered with success[] (or, when refused, an empty success[] and a
failure[]); the remix registration (POST /api/jobs-actions), the queue and job polling and
the feed must not be counted. Shapes: tests/extension/fixtures/midjourney/ (imagine, remix,
video-job, failure-not-counted, jobs-actions-not-counted, queue-poll-not-counted)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route

HOSTS = ("www.midjourney.com",)
PAGE = "midjourney.html"
EVENT_TYPE = {"imagine": "diffusion", "upscale": "upscale", "remix": "diffusion",
              "video": "video_diffusion"}
# An older job of the user's, in the feed: what "Animate" starts from on a fresh page.
GALLERY_JOB = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


async def submit_jobs(request: web.Request) -> web.Response:
    body = await request.json()
    state = request.app[STATE]
    kind = body["t"]
    state.note(request, f"t {kind}")
    if state.take_answer("midjourney") == "failure":
        state.note(request, "failure")
        return web.json_response({"success": [], "failure": [
            {"type": "job_failed" if kind == "video" else "banned_prompt",
             "message": "Sorry! This job could not be started."}]})
    job = {"job_id": str(uuid.uuid4()), "prompt": body.get("prompt") or body.get("newPrompt", ""),
           "is_queued": False, "event_type": EVENT_TYPE[kind], "softban": False,
           "meta": {"height": 816, "width": 1456, "parent_id": body.get("id"),
                    "parent_grid": body.get("index")}}
    return web.json_response({"success": [job], "failure": []})


async def jobs_actions(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def user_queue(request: web.Request) -> web.Response:
    return web.json_response({"running": [], "waiting": []})


async def job_status(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response([{"id": job_id, "current_status": "completed",
                               "percentage_complete": 100} for job_id in body["jobIds"]])


async def recent_jobs(request: web.Request) -> web.Response:
    return web.json_response({"data": [{"id": GALLERY_JOB, "parent_id": None,
                                        "job_type": "v7_diffusion", "batch_size": 4}],
                              "cursor": None})


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/api/submit-jobs", submit_jobs),
        web.post("/api/jobs-actions", jobs_actions),
        web.post("/api/user-queue", user_queue),
        web.post("/api/get-job-status", job_status),
        web.get("/api/imagine", recent_jobs),
    ])
