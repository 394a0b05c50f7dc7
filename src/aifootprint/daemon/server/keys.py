"""Typed application keys: the daemon's state, shared by handlers (api, dashboard)."""

from __future__ import annotations

from aiohttp import web

from ...model.factors import FactorTable
from ..config import Config
from ..store.events import AsyncStore

CONFIG = web.AppKey("config", Config)
FACTORS = web.AppKey("factors", FactorTable)
STORE = web.AppKey("store", AsyncStore)
TOKEN = web.AppKey("token", str)
OPENAPI = web.AppKey("openapi", dict)  # the description, built from the routes table
