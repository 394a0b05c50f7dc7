"""Every URL of the aggregator, in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from . import api

STATIC_DIR = Path(__file__).parent / "static"


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/health", api.health)  # the process is up
    app.router.add_get("/api/v1/ready", api.ready)  # and its database answers
    app.router.add_post("/api/v1/lookup", api.lookup)
    app.router.add_post("/api/v1/join", api.join)
    app.router.add_post("/api/v1/submissions", api.submit)
    app.router.add_get("/api/v1/classes/{class_id}/report", api.report)
    app.router.add_post("/api/v1/classes/{class_id}/joining", api.joining)  # seats, close
    app.router.add_post("/api/v1/classes/{class_id}/reset", api.reset)  # new code, no members
    app.router.add_get("/", api.teacher_page)
    app.router.add_get("/teacher", api.teacher_page)
    app.router.add_static("/static/", STATIC_DIR)
