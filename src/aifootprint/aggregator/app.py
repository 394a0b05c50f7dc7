"""The aggregator's app factory: the database (SQLite's writer thread or a PostgreSQL
pool) and the release loop in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from ..core.errors import FootprintError
from ..core.web import error_middleware
from .api import MAX_BODY_BYTES
from .app_keys import CONFIG, LIMITER, STORE
from .config import AggregatorConfig
from .privacy import add_noise
from .rate_limit import RateLimiter
from .routes import setup_routes
from .store import AggregatorStore, aggregator_database

log = logging.getLogger("aifootprint.aggregator")


async def store_ctx(app: web.Application):
    config = app[CONFIG]
    database = aggregator_database(config.database, config.secret_path)
    await database.open()
    app[STORE] = database
    yield
    database.close()


async def release_loop_ctx(app: web.Application):
    """Releases each period once its submission window has ended (no one has to ask)."""
    task = asyncio.create_task(_release_forever(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _release_forever(app: web.Application) -> None:
    config, database = app[CONFIG], app[STORE]
    while True:
        try:
            made = await database.write(AggregatorStore.release_due, config.now(), add_noise,
                                        config.test_clock_file is not None)
            for release in made:
                log.info("Released class %s period %s: %s", release["class_id"],
                         release["period"], release["status"])
        except FootprintError as error:
            log.error("Release check failed: %s", error)
        await asyncio.sleep(config.release_check_s)


def create_app(config: AggregatorConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware(MAX_BODY_BYTES, "the_class_server",
                                                        lambda request: request.app[CONFIG].lang)],
                          client_max_size=MAX_BODY_BYTES)
    app[CONFIG] = config
    app[LIMITER] = RateLimiter(config.join_rate)
    app.cleanup_ctx.append(store_ctx)
    app.cleanup_ctx.append(release_loop_ctx)
    setup_routes(app)
    return app
