"""Typed application keys of the aggregator app."""

from __future__ import annotations

from aiohttp import web

from ..core.database import Database
from .config import AggregatorConfig
from .rate_limit import RateLimiter

CONFIG = web.AppKey("config", AggregatorConfig)
STORE = web.AppKey("store", Database)  # of AggregatorStore (store.aggregator_database)
LIMITER = web.AppKey("limiter", RateLimiter)  # lookups and joins per client, in memory
