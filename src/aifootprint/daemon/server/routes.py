"""Every URL the daemon serves, in one table: the handler, and what the OpenAPI description
says of it (openapi.py builds the description from this table, so neither can drift).

`body` is the pydantic model a request is validated with; `answer` the model of a 200.
Query parameters are listed by name with their JSON schema. `access` is the credential a
route needs (security.py): public, the extension's token, or the owner's (token or
dashboard session).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from ...model.events import EventBatch
from ...model.scenario import ScenarioInputs
from ..services.settings import Settings
from . import api, dashboard, live, schemas, sharing
from .security import EXTENSION, OWNER, PUBLIC

API = "/api/v1"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DATE = {"type": "string", "format": "date"}
PROFILE = ("profile", {"type": "string"}, "Override the factor profile in force (e.g. report, "
           "google-2025).")
LOCATION = ("location", {"type": "string"}, "Override the location in force (NL, FR, US, EU, "
            "WORLD).")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # below /api/v1 when `api`, else the page's own path
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    query: tuple[tuple[str, dict, str], ...] = ()
    errors: tuple[int, ...] = ()  # beyond those every /api/v1 route may answer
    api: bool = True
    access: str = OWNER
    download: tuple[str, ...] = ()  # media types of a file answer instead of `answer`
    changes: bool = False  # a write: a success tells GET /live's listeners (live.py)

    @property
    def url(self) -> str:
        return f"{API}{self.path}" if self.api else self.path


ROUTES = (
    Route("GET", "/health", api.health, "Is the daemon alive, and which version; with a "
          "challenge, proof that it holds the extension's token.",
          answer=schemas.Health, access=PUBLIC,
          query=(("challenge", {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,128}$"},
                  "A random string from the extension."),)),
    Route("GET", "/openapi.json", api.openapi, "This description.", access=EXTENSION),
    Route("POST", "/events", api.post_events,
          "Store a batch of events, all or nothing; an id already stored is a duplicate.",
          body=EventBatch, answer=schemas.Stored, errors=(503,), access=EXTENSION,
          changes=True),
    Route("POST", "/import", api.post_import,
          "An export document (what GET /export gives), validated whole and stored in one "
          "transaction; events already stored are skipped (what `aifootprint import` sends "
          "while the daemon runs).", body=schemas.ExportDocument, answer=schemas.Imported,
          errors=(503,), changes=True),
    Route("GET", "/summary", api.summary, "One local calendar day (default today), and "
          "`any_counts`: whether any count is stored at all (false: not paired yet, or all "
          "deleted).",
          answer=schemas.DaySummary, access=EXTENSION,
          query=(("date", DATE, "The local day, YYYY-MM-DD."), PROFILE, LOCATION)),
    Route("GET", "/days", api.days, "A summary per local day of a period (default: the last "
          "7 days), days without use included.", answer=schemas.DaySummary, access=EXTENSION,
          query=(("from", DATE, "First local day."), ("to", DATE, "Last local day (default "
                 "today)."), PROFILE, LOCATION)),
    Route("GET", "/factors", api.factors, "The factor table, and the profile and location in "
          "force.", answer=schemas.FactorsInForce, query=(PROFILE, LOCATION), access=EXTENSION),
    Route("GET", "/settings", api.get_settings, "Every setting with the value in force.",
          answer=schemas.SettingsInForce, access=EXTENSION),
    Route("PUT", "/settings", api.put_settings, "Change the settings named; null clears one. "
          "The extension's token may change only paused and label.",
          body=Settings, answer=schemas.SettingsInForce, errors=(503,), access=EXTENSION,
          changes=True),
    Route("GET", "/live", live.live, "Server-sent events (text/event-stream): `changed` "
          "with the data {\"version\": n} when the stream opens and after each stored "
          "change (events, settings, import, deletion, class sharing); a comment line "
          f"every {live.HEARTBEAT_S:.0f} s. At most {live.MAX_LISTENERS} listeners (503 "
          "past that).", errors=(503,), download=("text/event-stream",), access=EXTENSION),
    Route("POST", "/scenario", dashboard.run_scenario_handler,
          "The school-day scenario (the model of `aifootprint scenario`); every input "
          "optional, {} gives the report's.", body=ScenarioInputs,
          answer=schemas.ScenarioResult),
    Route("GET", "/export", dashboard.export_handler, "Every stored event, as a download (the "
          "files of `aifootprint export`).",
          query=(("format", {"enum": ["json", "csv"], "default": "json"}, "json or csv."),),
          download=("application/json", "text/csv")),
    Route("POST", "/forget", dashboard.forget_handler, "Delete stored events.",
          body=schemas.ForgetRequest, answer=schemas.Forgotten, errors=(503,), changes=True),
    Route("GET", "/class/status", sharing.status, "Whether and with which class this computer "
          "shares, and what was sent.", answer=schemas.ClassStatus),
    Route("GET", "/class/preview", sharing.member_preview, "Exactly what the next submission "
          "would send.", answer=schemas.ClassStatus),
    Route("POST", "/class/preview", sharing.preview, "Before joining: the class, the "
          "explanation and the exact submission.", body=schemas.ClassAsk,
          answer=schemas.ClassPreview, errors=(502,)),
    Route("POST", "/class/join", sharing.join, "Join a class after the student's explicit "
          "confirmation.", body=schemas.ClassJoin, answer=schemas.ClassStatus, errors=(502,),
          changes=True),
    Route("POST", "/class/leave", sharing.leave, "Stop sharing and delete the pseudonym.",
          answer=schemas.ClassStatus, changes=True),
    Route("POST", "/login-link", dashboard.login_link_handler, "A one-time link that opens "
          "the dashboard (what `aifootprint dashboard` and the tray open).",
          answer=schemas.LoginLink),
    Route("GET", "/", dashboard.dashboard_page, "The dashboard (with the session cookie; "
          "else how to open it).", api=False, access=PUBLIC),
    Route("GET", "/login", dashboard.login_page, "Trades a one-time code for the session "
          "cookie and goes on to the dashboard.", api=False, access=PUBLIC),
    Route("GET", "/pair", api.pair, "Pairs the browser extension with this daemon (with the "
          "session cookie; else how to pair).", api=False, access=PUBLIC),
)
ACCESS = {(route.method, route.url): route.access for route in ROUTES}


def access_of(request: web.Request) -> str:
    """The credential the request's route needs; an unknown /api/v1 path the owner's (so
    probing it tells nothing), any other path none (static files, 404)."""
    resource = request.match_info.route.resource
    method = "GET" if request.method == "HEAD" else request.method
    path = resource.canonical if resource else request.path
    return ACCESS.get((method, path), OWNER if request.path.startswith(API) else PUBLIC)


def setup_routes(app: web.Application) -> None:
    for route in ROUTES:
        handler = live.announcing(route.handler) if route.changes else route.handler
        if route.method == "GET":  # answers HEAD too
            app.router.add_get(route.url, handler)
        else:
            app.router.add_route(route.method, route.url, handler)
    app.router.add_static("/static/", dashboard.STATIC_DIR, name="static")
