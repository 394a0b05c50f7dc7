"""Every URL the daemon serves, in one place."""

from __future__ import annotations

from aiohttp import web

from . import api

API = "/api/v1"


def setup_routes(app: web.Application) -> None:
    app.router.add_get(f"{API}/health", api.health)
    app.router.add_get(f"{API}/openapi.json", api.openapi)
    app.router.add_post(f"{API}/events", api.post_events)
    app.router.add_get(f"{API}/summary", api.summary)
    app.router.add_get(f"{API}/days", api.days)
    app.router.add_get(f"{API}/factors", api.factors)
    app.router.add_get(f"{API}/settings", api.get_settings)
    app.router.add_put(f"{API}/settings", api.put_settings)
    app.router.add_get("/pair", api.pair)

    # ---- Dashboard routes (owned by the tray/dashboard helper: dashboard.py, static/) ----
    # Add the dashboard's page ("/"), its static files and any dashboard-only API handlers
    # here, e.g.:
    #   app.router.add_get("/", dashboard.index)
    #   app.router.add_static("/static/", STATIC_DIR)
    # ---- end of dashboard routes ----
