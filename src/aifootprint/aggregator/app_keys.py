"""Typed application keys of the aggregator app."""

from __future__ import annotations

from aiohttp import web

from .config import AggregatorConfig
from .rate_limit import RateLimiter
from .sql import DatabaseAccess

CONFIG = web.AppKey("config", AggregatorConfig)
STORE = web.AppKey("store", DatabaseAccess)  # of AggregatorStore (store.aggregator_database)
LIMITER = web.AppKey("limiter", RateLimiter)  # lookups and joins per client, in memory
