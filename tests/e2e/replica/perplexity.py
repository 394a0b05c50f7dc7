"""Replica of www.perplexity.ai: a question is POST /rest/sse/perplexity_ask (an event
stream) with params.frontend_uuid and the header x-perplexity-request-try-number; the
client's automatic retry sends the same frontend_uuid with try-number 2, and a replayed
request the same frontend_uuid again: neither counts. Shapes:
tests/extension/fixtures/perplexity/ (ask-then-retry, same-uuid-twice)."""

from __future__ import annotations

import uuid

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_route, stream_sse

HOSTS = ("www.perplexity.ai",)
PAGE = "perplexity.html"


async def ask(request: web.Request) -> web.StreamResponse:
    await request.json()
    state = request.app[STATE]
    state.note(request, f"try {request.headers.get('x-perplexity-request-try-number', 'none')}")
    backend = str(uuid.uuid4())
    first = [("message", {"backend_uuid": backend, "status": "PENDING", "text": ""})]
    chunk = ("message", {"backend_uuid": backend, "status": "PENDING", "text": state.chunk_text})
    last = [("message", {"backend_uuid": backend, "status": "COMPLETED", "final": True}),
            ("end_of_stream", {})]
    return await stream_sse(request, first, chunk, last)


def create_app(state: ReplicaState) -> web.Application:
    return create_site_app(state, [
        page_route(PAGE),
        web.post("/rest/sse/perplexity_ask", ask),
    ])
