"""The dashboard: the page at / and the API routes only the dashboard needs.

The page is static (static/index.html and its scripts) with the daemon's token
embedded in a meta tag, so the page's scripts can call the API; hence the
headers that forbid framing and any script not served by the daemon itself.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from aiohttp import web
from pydantic import ValidationError

from ...core.errors import InvalidInput, validated
from ...core.web import PAGE_HEADERS, read_json
from ...model.scenario import ScenarioInputs
from ..services.exchange import export_text, forget_events
from ..services.reports import scenario_in_force
from .keys import CONFIG, FACTORS, STORE, TOKEN
from .schemas import ForgetRequest

STATIC_DIR = Path(__file__).parent / "static"

# The token is in the page: never framed, no script or style from anywhere else.
DASHBOARD_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'none'",
}


def dashboard_html(token: str) -> str:
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("{{TOKEN}}", html.escape(token, quote=True))


async def dashboard_page(request: web.Request) -> web.Response:
    response = web.Response(text=dashboard_html(request.app[TOKEN]), content_type="text/html")
    response.headers.update(DASHBOARD_HEADERS)
    return response


async def run_scenario_handler(request: web.Request) -> web.Response:
    """The school-day calculator: the same model as `aifootprint scenario`."""
    inputs = validated(ScenarioInputs, await read_json(request))
    app = request.app
    return web.json_response(
        await app[STORE].read(scenario_in_force, app[FACTORS], app[CONFIG], inputs))


async def export_handler(request: web.Request) -> web.Response:
    """Every stored event, as a JSON or CSV download (the same files as `aifootprint export`)."""
    fmt = request.query.get("format", "json")
    text = await request.app[STORE].read(export_text, fmt)
    filename = f"aifootprint-{date.today().isoformat()}.{fmt}"
    return web.Response(
        text=text, content_type="application/json" if fmt == "json" else "text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def parse_forget(body: object) -> date | None:
    """{"all": true} forgets everything (None); {"before": "YYYY-MM-DD"} the days before."""
    try:
        return ForgetRequest.model_validate(body).before
    except ValidationError:
        raise InvalidInput("invalid_forget_one_of", field="before") from None


async def forget_handler(request: web.Request) -> web.Response:
    before = parse_forget(await read_json(request))
    deleted = await request.app[STORE].write(forget_events, before)
    return web.json_response({"deleted": deleted})
