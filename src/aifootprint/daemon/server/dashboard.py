"""The dashboard: the page at /, its login (logins.py) and the API routes only the
dashboard needs.

The page is static (static/index.html and its scripts) and holds no secret: its scripts
call the API with the session cookie that /login set. It is still never framed and runs
no script or style not served by the daemon itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from aiohttp import web
from pydantic import ValidationError

from ...core.errors import InvalidInput, validated
from ...core.web import PAGE_HEADERS, accepted_lang, page_headers, read_json
from ...model.scenario import ScenarioInputs
from ..services.exchange import export_text, forget_events
from ..services.reports import scenario_in_force
from ..services.settings import page_language
from .keys import CONFIG, CREDENTIALS, FACTORS, STORE
from .logins import CODE_TTL_S, cookie_name
from .pages import render_login_page, render_opening_page
from .schemas import ForgetRequest
from .security import has_session, local_port

STATIC_DIR = Path(__file__).parent / "static"

DASHBOARD_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'none'",
}


async def dashboard_page(request: web.Request) -> web.StreamResponse:
    if not has_session(request, request.app[CREDENTIALS].logins):
        return await login_needed(request, "needed")
    response = web.FileResponse(STATIC_DIR / "index.html")
    response.headers.update(DASHBOARD_HEADERS)
    return response


async def asked_lang(request: web.Request) -> str:
    app = request.app
    return await app[STORE].read(page_language, app[CONFIG], request.query.get("lang"),
                                 accepted_lang(request))


async def login_needed(request: web.Request, reason: str) -> web.StreamResponse:
    """401 with the page (nl or en) that says how to open the dashboard."""
    return page_headers(web.Response(text=render_login_page(reason, await asked_lang(request)),
                                     content_type="text/html", status=401))


async def login_page(request: web.Request) -> web.StreamResponse:
    """A valid one-time code: the session cookie, and on to / (the code leaves the address
    bar at once). HttpOnly keeps the cookie from any script, SameSite=Strict off every
    request another site starts."""
    session = request.app[CREDENTIALS].logins.open_session(request.query.get("code", ""))
    if session is None:
        return await login_needed(request, "used")
    response = web.Response(text=render_opening_page(await asked_lang(request)),
                            content_type="text/html")
    response.set_cookie(cookie_name(local_port(request)), session, path="/", httponly=True,
                        samesite="Strict")
    return page_headers(response)


async def login_link_handler(request: web.Request) -> web.Response:
    code = request.app[CREDENTIALS].logins.new_code()
    return web.json_response({"url": f"http://127.0.0.1:{local_port(request)}/login?code={code}",
                              "expires_in_s": CODE_TTL_S})


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
