"""The desktop parts: the tray icon and start at login. Imported by the CLI only."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from ..core.i18n import Catalog
from ..daemon.config import Config

TEXT = Catalog("daemon")


def has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def find_tray(config: Config) -> tuple[Callable | None, str]:
    """The tray's `run_tray(config, handle)`, or None and why not (a display, the module)."""
    if not has_display():
        return None, TEXT("no_display", config.lang)
    try:
        from .tray import run_tray
    except ImportError:
        return None, TEXT("no_tray_module", config.lang)
    return run_tray, ""
