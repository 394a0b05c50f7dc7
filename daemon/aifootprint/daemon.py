"""The daemon process: one per home, the server in a worker thread, logs, signals.

The aiohttp server runs in a worker thread with its own event loop (`start_server_thread`)
because the tray icon (pystray) needs the main thread. The main thread holds the
instance lock, handles SIGTERM and Ctrl+C, and either runs the tray or just waits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from aiohttp import web

from .app import create_app
from .config import Config
from .errors import ConfigError
from .i18n import Catalog

log = logging.getLogger("aifootprint")

TEXT = Catalog({
    "running": {"en": "AI Footprint is running: open {url} for the dashboard.",
                "nl": "AI Footprint draait: open {url} voor het dashboard."},
    "already": {"en": "AI Footprint is already running for this home at {url} (pid {pid}, "
                      "since {since}).",
                "nl": "AI Footprint draait al voor deze map op {url} (pid {pid}, sinds {since})."},
    "starting": {"en": "AI Footprint is already starting for this home.",
                 "nl": "AI Footprint start al voor deze map."},
    "headless": {"en": "No tray icon ({reason}): running headless; stop with Ctrl+C.",
                 "nl": "Geen pictogram in het systeemvak ({reason}): draait zonder; stop met "
                       "Ctrl+C."},
    "no_tray_flag": {"en": "--no-tray", "nl": "--no-tray"},
    "no_display": {"en": "no display", "nl": "geen beeldscherm"},
    "no_tray_module": {"en": "tray support is not available", "nl": "systeemvak-ondersteuning "
                       "ontbreekt"},
    "stopped": {"en": "AI Footprint stopped.", "nl": "AI Footprint is gestopt."},
    "port_in_use": {"en": "Port {port} on 127.0.0.1 is in use by another program; choose "
                          "another with --port.",
                    "nl": "Poort {port} op 127.0.0.1 is in gebruik door een ander programma; kies "
                          "een andere met --port."},
})


# -- one instance per home


class InstanceLock:
    """An exclusive SQLite lock on config.lock_path, held for the daemon's whole life.

    SQLite's file locking works alike on Linux, macOS and Windows (fcntl alone would
    not run on Windows), and the OS drops the lock when the process dies, even by
    kill -9, so a stale lock file never blocks the next start. The file stays empty.
    """

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = MEMORY")  # nothing is written: no journal file
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.DatabaseError as error:
            conn.close()
            if error.sqlite_errorname == "SQLITE_BUSY":  # another daemon holds it
                return False
            raise ConfigError(f"The lock file {self.path} cannot be used: {error}; delete it "
                              "if AI Footprint is not running.") from None
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn:
            self._conn.close()  # ends the transaction and with it the lock
            self._conn = None


def state_path(config: Config) -> Path:
    return config.data_dir / "daemon.json"


def write_state(config: Config, port: int) -> dict:
    state = {"port": port, "pid": os.getpid(), "url": f"http://127.0.0.1:{port}",
             "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    path = state_path(config)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)
    return state


def running_daemon(config: Config) -> dict | None:
    """The running daemon's state (port, pid, url, started_at), or None if none runs.

    {} when a daemon holds the lock but has not written its state yet.
    """
    probe = InstanceLock(config.lock_path)
    if probe.acquire():
        probe.release()
        return None
    try:
        return json.loads(state_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# -- the server in a worker thread


@dataclass
class ServerHandle:
    """A running server: `port`, `url`; `stop()` from any thread; `stopped` is set at the end."""

    config: Config
    port: int = 0
    started: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request_stop(self) -> None:
        """Ask the server to stop, without waiting (safe in a signal handler)."""
        if self._loop and self._stop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)

    def stop(self, timeout: float = 10) -> None:
        self.request_stop()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def wait(self) -> None:
        self.stopped.wait()


def start_server_thread(config: Config) -> ServerHandle:
    """Start the daemon's server on 127.0.0.1 in a worker thread; returns once it listens."""
    handle = ServerHandle(config)
    handle._thread = threading.Thread(
        target=_run_loop, args=(handle,), name="aifootprint-server", daemon=True
    )
    handle._thread.start()
    handle.started.wait()
    if handle.error:
        handle._thread.join()
        raise handle.error
    return handle


def _run_loop(handle: ServerHandle) -> None:
    try:
        asyncio.run(_serve(handle))
    except BaseException as error:  # reported to the starting thread
        handle.error = error
    finally:
        handle.started.set()
        handle.stopped.set()


async def _serve(handle: ServerHandle) -> None:
    config = handle.config
    handle._loop = asyncio.get_running_loop()
    handle._stop = asyncio.Event()
    # No access log: it would hold client addresses and URLs.
    runner = web.AppRunner(create_app(config), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", config.port, backlog=1024)
        try:
            await site.start()
        except OSError:
            raise ConfigError(TEXT("port_in_use", config.lang, port=config.port)) from None
        handle.port = runner.addresses[0][1]
        log.info("listening on 127.0.0.1:%s", handle.port)
        handle.started.set()
        await handle._stop.wait()
    finally:
        await runner.cleanup()
        log.info("stopped")


# -- the process


def setup_logging(config: Config) -> None:
    """Rotating log in config.log_dir: what the daemon did, never prompt text or tokens."""
    config.log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        config.log_dir / "daemon.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name, level in (("aifootprint", logging.INFO), ("aiohttp", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)


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


def run_daemon(config: Config, tray: bool = True, echo: Callable[[str], None] = print) -> None:
    """`aifootprint run`: serve until SIGTERM, Ctrl+C or the tray's Quit."""
    lock = InstanceLock(config.lock_path)
    if not lock.acquire():
        state = running_daemon(config) or {}
        if "url" in state:
            echo(TEXT("already", config.lang, url=state["url"], pid=state["pid"],
                      since=state["started_at"]))
        else:
            echo(TEXT("starting", config.lang))
        return
    try:
        setup_logging(config)
        handle = start_server_thread(config)
        try:
            write_state(config, handle.port)
            echo(TEXT("running", config.lang, url=f"{handle.url}/"))
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: handle.request_stop())
            run_tray, reason = find_tray(config) if tray else (None, TEXT("no_tray_flag",
                                                                          config.lang))
            if run_tray:
                run_tray(config, handle)  # blocks until Quit or handle.stopped
            else:
                echo(TEXT("headless", config.lang, reason=reason))
                handle.wait()
        finally:
            handle.stop()
            state_path(config).unlink(missing_ok=True)
        echo(TEXT("stopped", config.lang))
    finally:
        lock.release()
