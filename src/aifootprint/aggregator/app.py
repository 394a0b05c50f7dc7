"""The aggregator's app factory: store, writer thread and release loop in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from ..core.errors import FootprintError
from ..core.web import error_middleware
from .api import MAX_BODY_BYTES
from .app_keys import CONFIG, EXECUTOR, STORE
from .batching import batcher_ctx
from .config import AggregatorConfig
from .privacy import add_noise
from .routes import setup_routes
from .store import AggregatorStore, load_secret, open_database

log = logging.getLogger("aifootprint.aggregator")


async def store_ctx(app: web.Application):
    config = app[CONFIG]
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aggregator-writer")
    loop = asyncio.get_running_loop()

    def open_store() -> AggregatorStore:
        return AggregatorStore(open_database(config.db_path), load_secret(config.secret_path))

    app[EXECUTOR] = executor
    app[STORE] = await loop.run_in_executor(executor, open_store)
    yield
    await loop.run_in_executor(executor, app[STORE].close)
    executor.shutdown()


async def release_loop_ctx(app: web.Application):
    """Releases each period once its submission window has ended (no one has to ask)."""
    task = asyncio.create_task(_release_forever(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _release_forever(app: web.Application) -> None:
    config, store = app[CONFIG], app[STORE]
    loop = asyncio.get_running_loop()
    while True:
        try:
            made = await loop.run_in_executor(
                app[EXECUTOR], store.release_due, config.now(), add_noise,
                config.test_clock_file is not None)
            for release in made:
                log.info("Released class %s period %s: %s", release["class_id"],
                         release["period"], release["status"])
        except FootprintError as error:
            log.error("Release check failed: %s", error)
        await asyncio.sleep(config.release_check_s)


def create_app(config: AggregatorConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware(MAX_BODY_BYTES, "the class server")],
                          client_max_size=MAX_BODY_BYTES)
    app[CONFIG] = config
    app.cleanup_ctx.append(store_ctx)
    app.cleanup_ctx.append(batcher_ctx)
    app.cleanup_ctx.append(release_loop_ctx)
    setup_routes(app)
    return app
