"""The daemon's aiohttp application: `create_app(config)`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from . import classroom
from .config import Config
from .events import MAX_BODY_BYTES
from .factors import load_factors
from .keys import CONFIG, FACTORS, STORE, TOKEN
from .routes import setup_routes
from .security import ensure_token, middlewares
from .store import AsyncStore


def create_app(config: Config) -> web.Application:
    """Build the app; the database opens (and migrates) when the app starts."""
    token = ensure_token(config.token_path)
    app = web.Application(middlewares=middlewares(token), client_max_size=MAX_BODY_BYTES)
    app[CONFIG] = config
    app[TOKEN] = token
    app[FACTORS] = load_factors(config.factors_path)
    app.cleanup_ctx.append(open_store)
    app.cleanup_ctx.append(classroom.sharing_ctx)  # class sharing: sends due submissions
    setup_routes(app)
    return app


async def open_store(app: web.Application) -> AsyncIterator[None]:
    store = AsyncStore(app[CONFIG].db_path)
    await store.open()
    app[STORE] = store
    yield
    store.close()
