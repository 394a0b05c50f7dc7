"""Typed application keys of the aggregator app."""

from __future__ import annotations

from aiohttp import web

from .config import AggregatorConfig
from .sql import DatabaseAccess

CONFIG = web.AppKey("config", AggregatorConfig)
STORE = web.AppKey("store", DatabaseAccess)  # of AggregatorStore (store.aggregator_database)
