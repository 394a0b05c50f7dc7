"""Typed application keys of the aggregator app."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from .config import AggregatorConfig
from .store import AggregatorStore

CONFIG = web.AppKey("config", AggregatorConfig)
STORE = web.AppKey("store", AggregatorStore)
EXECUTOR = web.AppKey("executor", ThreadPoolExecutor)
