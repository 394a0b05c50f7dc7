"""Typed application keys: the daemon's state, shared by handlers (api, dashboard)."""

from __future__ import annotations

from aiohttp import web

from ...core.database import Database
from ...model.factors import FactorTable
from ..config import Config
from ..services.sharing import ClassSharing
from .changes import Changes
from .security import Credentials

CONFIG = web.AppKey("config", Config)
FACTORS = web.AppKey("factors", FactorTable)
STORE = web.AppKey("store", Database)  # the events database (store/events.py)
SHARING = web.AppKey("sharing", ClassSharing)
CREDENTIALS = web.AppKey("credentials", Credentials)  # both tokens and the dashboard logins
OPENAPI = web.AppKey("openapi", dict)  # the description, built from the routes table
CHANGES = web.AppKey("changes", Changes)  # what /live listeners wait on (live.py)
