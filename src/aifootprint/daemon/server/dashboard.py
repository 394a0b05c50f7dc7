"""The dashboard: the page at / and the API routes only the dashboard needs.

The page is static (static/index.html and its scripts) with the daemon's token
embedded in a meta tag, so the page's scripts can call the API; hence the
headers that forbid framing and any script not served by the daemon itself.
"""

from __future__ import annotations

import html
import io
from datetime import date
from pathlib import Path

from aiohttp import web
from pydantic import ValidationError

from ...core.errors import InvalidInput, validated
from ...core.web import PAGE_HEADERS, read_json
from ...model.scenario import ScenarioInputs, run_scenario
from ..services.exchange import export_csv, export_json
from ..services.settings import check_choice, in_force
from ..store.events import Store
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
    table = request.app[FACTORS]
    check_choice(table, inputs.profile, inputs.location)
    if not (inputs.profile and inputs.location):
        settings = await request.app[STORE].read(Store.get_settings)
        profile, location = in_force(table, request.app[CONFIG], settings,
                                     inputs.profile, inputs.location)
        inputs = inputs.model_copy(update={"profile": profile, "location": location})
    return web.json_response(run_scenario(table, inputs))


async def export_handler(request: web.Request) -> web.Response:
    """Every stored event, as a JSON or CSV download (the same files as `aifootprint export`)."""
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        raise InvalidInput(f"format must be json or csv, not {fmt!r}.", field="format")
    writer = export_json if fmt == "json" else export_csv
    out = io.StringIO()
    await request.app[STORE].read(lambda store: writer(store.export_events(), out))
    filename = f"aifootprint-{date.today().isoformat()}.{fmt}"
    return web.Response(
        text=out.getvalue(), content_type="application/json" if fmt == "json" else "text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def parse_forget(body: object) -> date | None:
    """{"all": true} forgets everything (None); {"before": "YYYY-MM-DD"} the days before."""
    try:
        return ForgetRequest.model_validate(body).before
    except ValidationError:
        raise InvalidInput('Send {"all": true} or {"before": "YYYY-MM-DD"}.',
                           field="before") from None


async def forget_handler(request: web.Request) -> web.Response:
    before = parse_forget(await read_json(request))
    deleted = await request.app[STORE].write(Store.forget, before)
    return web.json_response({"deleted": deleted})
