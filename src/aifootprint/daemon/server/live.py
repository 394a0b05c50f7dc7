"""GET /api/v1/live: server-sent events saying that what the daemon stores has changed.

After each write a route marked `changes` in the routes table answers (events stored,
settings, an import, a deletion, class sharing), every listener gets one small `changed`
event, and the dashboard, the tray and the popup re-read what they show. Listeners sleep
on an asyncio.Event between changes (no polling); a comment line every HEARTBEAT_S keeps
proxies and idle timers from closing the stream, and finds listeners that went away.
Format: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from ...core.errors import Busy
from .keys import CHANGES

MAX_LISTENERS = 16  # dashboards, popups and the tray of one user: a handful
HEARTBEAT_S = 20.0
RETRY_MS = 2000  # how long an EventSource waits before reconnecting after the stream ends


def announcing(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """The handler of a route that writes: a successful answer tells every listener."""

    async def announce(request: web.Request) -> web.StreamResponse:
        response = await handler(request)
        if response.status < 300:
            request.app[CHANGES].changed()
        return response

    return announce


def changed_event(version: int) -> bytes:
    return f"event: changed\ndata: {json.dumps({'version': version})}\n\n".encode()


async def live(request: web.Request) -> web.StreamResponse:
    changes = request.app[CHANGES]
    if changes.listeners >= MAX_LISTENERS:
        raise Busy("too_many_listeners", most=MAX_LISTENERS)
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-store",
        "X-Accel-Buffering": "no"})
    changes.listeners += 1
    try:
        await response.prepare(request)
        version = changes.version
        await response.write(f"retry: {RETRY_MS}\n".encode() + changed_event(version))
        while not changes.closed:
            latest = await changes.after(version, HEARTBEAT_S)
            if changes.closed:
                break
            await response.write(changed_event(latest) if latest != version else b": alive\n\n")
            version = latest
    except (ConnectionResetError, ConnectionError):
        pass  # the listener went away (a tab closed); its slot is free again
    finally:
        changes.listeners -= 1
    return response


async def close_streams(app: web.Application) -> None:
    """on_shutdown: end the open streams so the daemon stops at once."""
    app[CHANGES].close()
