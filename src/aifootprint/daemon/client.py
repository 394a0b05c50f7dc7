"""The CLI's small HTTP client for a running daemon (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from ..core.errors import DaemonNotRunning
from .config import Config
from .instance import running_daemon
from .token import read_token

TIMEOUT_S = 5


def daemon_url(config: Config) -> str:
    """The running daemon's URL (from its state file), else DaemonNotRunning."""
    state = running_daemon(config)
    if not state or "url" not in state:
        raise DaemonNotRunning("AI Footprint is not running; start it with `aifootprint run`.")
    return state["url"]


def get_json(config: Config, path: str) -> object:
    """GET /api/v1<path> from the running daemon with the install's token."""
    request = urllib.request.Request(f"{daemon_url(config)}/api/v1{path}")
    if path != "/health":
        request.add_header("Authorization", f"Bearer {read_token(config.token_path)}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DaemonNotRunning(f"The daemon does not answer ({error}); restart it with "
                               "`aifootprint run`.") from None
