"""The daemon's listening socket: aiohttp's request handlers, with timeouts and a cap on
open connections, so that idle or slow connections from another program cannot lock the
extension out.

- Header and idle timeout, one setting: aiohttp (3.14, web_protocol.RequestHandler) starts
  its keep-alive timer when a connection is accepted and again after each answer, and at
  the end closes the connection if it is still waiting for a complete request; bytes that
  trickle in do not restart it. So a connection that sends nothing, or half a header,
  is closed after KEEPALIVE_TIMEOUT_S (aiohttp's default is 3,630 s).
- Header size: aiohttp's limits stand (a request line or header field of at most 8,190
  bytes, at most 128 header fields; larger gets 400).
- A cap: at most `limit` connections are open; a new one closes the oldest (asyncio has
  no such limit of its own). Closing the oldest rather than refusing the newest is what
  keeps the extension in: its connection is new when it sends. An answer lost that way
  was not acknowledged, so the extension sends the batch again and the ids make the
  second copy a duplicate. The cap and one burst of accepts stay below the process's
  open-file limit (raised towards its hard limit first), so accept() never fails for
  want of descriptors.
- handler_cancellation stays off (aiohttp's default): a client that goes away does not
  cancel its handler, so a write being committed finishes.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

KEEPALIVE_TIMEOUT_S = 10
MAX_CONNECTIONS = 1000
RESERVED_FILES = 100  # descriptors kept for the database, logs and the tray
BACKLOG = 1024  # accepted at once at most, before the cap counts them: see CappedConnections


class CappedConnections:
    """A protocol factory for loop.create_server: aiohttp's handler for each connection,
    closing the oldest open ones while `limit` are open.

    Open means connected and not yet closed: in aiohttp's list of connections (in the
    order they were made) with a transport. asyncio accepts up to `backlog` sockets at
    once (asyncio/selector_events.py, `_accept_connection`) and calls this factory for
    each before it connects any of them, so during such
    a burst the count lags: at most `limit` + BACKLOG connections are open for a moment,
    and the next connection trims them back to `limit`.
    """

    def __init__(self, server: web.Server, limit: int):
        self._server = server
        self.limit = limit

    def __call__(self) -> RequestHandler:
        open_now = [h for h in self._server.connections if h.transport is not None]
        for oldest in open_now[:max(0, len(open_now) - self.limit + 1)]:
            oldest.force_close()
        return self._server()


def connection_limit() -> int:
    """MAX_CONNECTIONS, or fewer if the open-file limit (raised as far as allowed) is low."""
    try:
        import resource  # POSIX only
    except ImportError:  # Windows: no per-process descriptor limit of this kind
        return MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + BACKLOG + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - BACKLOG - RESERVED_FILES))


async def listen(runner: web.AppRunner, host: str, port: int) -> asyncio.Server:
    """Serve `runner`'s app on host:port with the cap (OSError if the port is taken).
    The runner must be made with keepalive_timeout=KEEPALIVE_TIMEOUT_S."""
    assert runner.server is not None, "runner.setup() first"
    factory = CappedConnections(runner.server, connection_limit())
    return await asyncio.get_running_loop().create_server(factory, host, port,
                                                          backlog=BACKLOG)
