"""What every replica site shares: its page, SSE streaming, CORS for the API hosts a page
calls on another host, a record of what it was sent, and switches a test flips (answer the
next send with 429, stream length)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

PAGES_DIR = Path(__file__).with_name("pages")


@dataclass
class ReceivedRequest:
    host: str
    method: str
    path: str


@dataclass
class ReplicaState:
    """Shared by the server thread and the test thread; only simple assignments cross."""

    received: list[ReceivedRequest] = field(default_factory=list)
    # (host, what) for distinctions a path does not show: a GraphQL operation, an action in
    # the body, a retry header. Appended by the handlers.
    notes: list[tuple[str, str]] = field(default_factory=list)
    # path suffix -> status to answer once instead of the normal reply (a 429, a 500).
    fail_next: dict[str, int] = field(default_factory=dict)
    # site -> how its next answer goes where the real server chooses (ChatGPT: how the
    # images of an image turn are delivered, a stream handed off); taken once.
    next_answer: dict[str, str] = field(default_factory=dict)
    # How long a server-side push (a WebSocket delivery after the stream) waits.
    push_delay: float = 1.0
    stream_chunks: int = 6
    chunk_delay: float = 0.02
    chunk_text: str = "Lorem ipsum dolor sit amet. "

    def take_failure(self, path: str) -> int | None:
        for suffix, status in list(self.fail_next.items()):
            if path.endswith(suffix):
                del self.fail_next[suffix]
                return status
        return None

    def take_answer(self, site: str, default: str = "") -> str:
        return self.next_answer.pop(site, default)

    def count(self, host: str, method: str, path_part: str) -> int:
        return sum(
            1 for r in self.received
            if r.host == host and r.method == method and path_part in r.path
        )

    def note(self, request: web.Request, what: str) -> None:
        self.notes.append((request.host.partition(":")[0], what))

    def noted(self, host: str, what: str) -> int:
        return self.notes.count((host, what))


STATE = web.AppKey("state", ReplicaState)


def page_routes(page_name: str, *paths: str) -> list[web.RouteDef]:
    """The site's one page, at its root and at the paths the real site serves its app shell
    from (/images/create, /u/1/app)."""
    path = PAGES_DIR / page_name

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=path.read_text(), content_type="text/html")

    return [web.get(route, page) for route in ("/", *paths)]


def page_route(page_name: str) -> web.RouteDef:
    return page_routes(page_name)[0]


async def replica_ui(request: web.Request) -> web.Response:
    return web.Response(text=(PAGES_DIR / "replica-ui.js").read_text(),
                        content_type="text/javascript")


async def preflight(request: web.Request) -> web.Response:
    """Answers the CORS preflight of a page on another host (app.leonardo.ai calling
    api.leonardo.ai) as those APIs do; the origin headers come from add_cors."""
    return web.Response(status=204, headers={
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers":
            request.headers.get("Access-Control-Request-Headers", "content-type"),
        "Access-Control-Max-Age": "600"})


async def add_cors(request: web.Request, response: web.StreamResponse) -> None:
    origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"


@web.middleware
async def record_requests(request: web.Request, handler):
    state = request.app[STATE]
    if request.method == "OPTIONS":
        return await handler(request)
    state.received.append(ReceivedRequest(request.host.partition(":")[0], request.method,
                                          request.path_qs))
    status = state.take_failure(request.path) if request.method == "POST" else None
    if status is not None:
        return web.json_response({"detail": "Too many requests in 1 hour. Try again later."},
                                 status=status)
    return await handler(request)


def create_site_app(state: ReplicaState, routes: list[web.RouteDef]) -> web.Application:
    app = web.Application(middlewares=[record_requests])
    app.on_response_prepare.append(add_cors)
    app[STATE] = state
    paths = dict.fromkeys(route.path for route in routes)  # each once, in order
    app.add_routes([*routes, web.get("/replica-ui.js", replica_ui),
                    *[web.route("OPTIONS", path, preflight) for path in paths]])
    return app


async def send_sse(response: web.StreamResponse, name: str | None, data: object) -> None:
    line = f"event: {name}\n" if name else ""
    payload = data if isinstance(data, str) else json.dumps(data)
    await response.write(f"{line}data: {payload}\n\n".encode())


async def stream_sse(request: web.Request, first: list[tuple[str | None, object]],
                     chunk: tuple[str | None, object], last: list[tuple[str | None, object]],
                     chunks: int | None = None) -> web.StreamResponse:
    """An event stream like a model typing: `first` events, then `chunk` `chunks` times
    (stream_chunks unless given; chunk_delay apart), then `last`."""
    state = request.app[STATE]
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"})
    await response.prepare(request)
    for name, data in first:
        await send_sse(response, name, data)
    for _ in range(state.stream_chunks if chunks is None else chunks):
        await asyncio.sleep(state.chunk_delay)
        await send_sse(response, *chunk)
    for name, data in last:
        await send_sse(response, name, data)
    await response.write_eof()
    return response
