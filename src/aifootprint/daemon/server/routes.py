"""Every URL the daemon serves, in one place."""

from __future__ import annotations

from aiohttp import web

from . import api, dashboard, sharing

API = "/api/v1"


def setup_routes(app: web.Application) -> None:
    app.router.add_get(f"{API}/health", api.health)
    app.router.add_get(f"{API}/openapi.json", api.openapi)
    app.router.add_post(f"{API}/events", api.post_events)
    app.router.add_post(f"{API}/import", api.post_import)
    app.router.add_get(f"{API}/summary", api.summary)
    app.router.add_get(f"{API}/days", api.days)
    app.router.add_get(f"{API}/factors", api.factors)
    app.router.add_get(f"{API}/settings", api.get_settings)
    app.router.add_put(f"{API}/settings", api.put_settings)
    app.router.add_get("/pair", api.pair)

    # The dashboard (dashboard.py, static/)
    app.router.add_get("/", dashboard.dashboard_page)
    app.router.add_static("/static/", dashboard.STATIC_DIR, name="static")
    app.router.add_post(f"{API}/scenario", dashboard.run_scenario_handler)
    app.router.add_get(f"{API}/export", dashboard.export_handler)
    app.router.add_post(f"{API}/forget", dashboard.forget_handler)

    # Class sharing from the dashboard (sharing.py)
    app.router.add_get(f"{API}/class/status", sharing.status)
    app.router.add_get(f"{API}/class/preview", sharing.member_preview)
    app.router.add_post(f"{API}/class/preview", sharing.preview)
    app.router.add_post(f"{API}/class/join", sharing.join)
    app.router.add_post(f"{API}/class/leave", sharing.leave)
