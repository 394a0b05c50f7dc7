"""The daemon's aiohttp application: `create_app(config)`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from ...model.events import MAX_BODY_BYTES
from ...model.factors import load_factors
from ...model.footprint import Counts
from ..config import Config
from ..services.backups import back_up_daily
from ..services.sharing import ClassSharing, share_forever
from ..store.events import Store, events_database
from ..token import ensure_token
from .changes import Changes
from .keys import CHANGES, CONFIG, CREDENTIALS, FACTORS, OPENAPI, SHARING, STORE
from .live import close_streams
from .logins import Logins
from .openapi import openapi_description
from .routes import access_of, setup_routes
from .security import Credentials, middlewares


def create_app(config: Config) -> web.Application:
    """Build the app; the database opens (and migrates) when the app starts."""
    owner_token = ensure_token(config.token_path)
    credentials = Credentials(owner_token, ensure_token(config.extension_token_path),
                              Logins(owner_token))
    app = web.Application(middlewares=middlewares(credentials, access_of, config.lang),
                          client_max_size=MAX_BODY_BYTES)
    app[CONFIG] = config
    app[CREDENTIALS] = credentials
    app[FACTORS] = load_factors(config.factors_path)
    app[OPENAPI] = openapi_description()
    app[CHANGES] = Changes()
    app.on_shutdown.append(close_streams)
    app.cleanup_ctx.append(open_store)
    app.cleanup_ctx.append(daily_backup)
    app.cleanup_ctx.append(class_sharing)
    setup_routes(app)
    return app


async def open_store(app: web.Application) -> AsyncIterator[None]:
    store = events_database(app[CONFIG].db_path)
    await store.open()
    app[STORE] = store
    yield
    store.close()


async def daily_backup(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(back_up_daily(app[CONFIG].db_path))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def class_sharing(app: web.Application) -> AsyncIterator[None]:
    """The class-sharing state, and the task sending the student's due submissions."""
    store = app[STORE]

    async def counts_for(days: list) -> Counts:
        return await store.read(Store.counts_between, days[0], days[-1])

    sharing = app[SHARING] = ClassSharing(app[CONFIG])
    await sharing.open()
    task = asyncio.create_task(share_forever(sharing, counts_for))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await sharing.close()
