"""What every replica site shares: its page, SSE streaming, a record of what it was sent,
and switches a test flips (answer the next send with 429, stream length)."""

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
    # path suffix -> status to answer once instead of the normal reply (a 429, a 500).
    fail_next: dict[str, int] = field(default_factory=dict)
    stream_chunks: int = 6
    chunk_delay: float = 0.02
    chunk_text: str = "Lorem ipsum dolor sit amet. "

    def take_failure(self, path: str) -> int | None:
        for suffix, status in list(self.fail_next.items()):
            if path.endswith(suffix):
                del self.fail_next[suffix]
                return status
        return None

    def count(self, host: str, method: str, path_part: str) -> int:
        return sum(
            1 for r in self.received
            if r.host == host and r.method == method and path_part in r.path
        )


STATE = web.AppKey("state", ReplicaState)


def page_route(page_name: str) -> web.RouteDef:
    """The site's one page, at its root, as the real site serves its app shell."""
    path = PAGES_DIR / page_name

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=path.read_text(), content_type="text/html")

    return web.get("/", page)


async def replica_ui(request: web.Request) -> web.Response:
    return web.Response(text=(PAGES_DIR / "replica-ui.js").read_text(),
                        content_type="text/javascript")


@web.middleware
async def record_requests(request: web.Request, handler):
    state = request.app[STATE]
    state.received.append(ReceivedRequest(request.host.partition(":")[0], request.method,
                                          request.path_qs))
    status = state.take_failure(request.path) if request.method == "POST" else None
    if status is not None:
        return web.json_response({"detail": "Too many requests in 1 hour. Try again later."},
                                 status=status)
    return await handler(request)


def create_site_app(state: ReplicaState, routes: list[web.RouteDef]) -> web.Application:
    app = web.Application(middlewares=[record_requests])
    app[STATE] = state
    app.add_routes([*routes, web.get("/replica-ui.js", replica_ui)])
    return app


async def send_sse(response: web.StreamResponse, name: str | None, data: object) -> None:
    line = f"event: {name}\n" if name else ""
    payload = data if isinstance(data, str) else json.dumps(data)
    await response.write(f"{line}data: {payload}\n\n".encode())


async def stream_sse(request: web.Request, first: list[tuple[str | None, object]],
                     chunk: tuple[str | None, object], last: list[tuple[str | None, object]],
                     ) -> web.StreamResponse:
    """An event stream like a model typing: `first` events, then `chunk` stream_chunks times
    (chunk_delay apart), then `last`."""
    state = request.app[STATE]
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"})
    await response.prepare(request)
    for name, data in first:
        await send_sse(response, name, data)
    for _ in range(state.stream_chunks):
        await asyncio.sleep(state.chunk_delay)
        await send_sse(response, *chunk)
    for name, data in last:
        await send_sse(response, name, data)
    await response.write_eof()
    return response
