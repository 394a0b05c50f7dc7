"""The daemon process: one per home, the server in a worker thread, logs, signals.

The aiohttp server runs in a worker thread with its own event loop (`start_server_thread`)
because the tray icon (pystray) needs the main thread. The main thread holds the
instance lock, handles SIGTERM and Ctrl+C, and either runs the tray or just waits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler

from aiohttp import web

from ..core.errors import ConfigError, DatabaseError
from ..core.i18n import Catalog
from ..core.web import hide_client_details
from .client import login_link
from .config import DEFAULT_PORT, Config
from .instance import (
    InstanceLock,
    check_writable,
    claim,
    make_private,
    state_path,
    write_state,
)
from .server.app import create_app
from .server.connections import KEEPALIVE_TIMEOUT_S, listen
from .store.integrity import check_at_start

log = logging.getLogger("aifootprint")

TEXT = Catalog("daemon")
# How long a starting daemon waits for the lock while no daemon answers: a CLI command
# writing (an import of years of events takes seconds), or another daemon starting.
LOCK_WAIT_S = 60


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
    runner = web.AppRunner(create_app(config), access_log=None, handle_signals=False,
                           keepalive_timeout=KEEPALIVE_TIMEOUT_S)
    await runner.setup()
    listening: asyncio.Server | None = None
    try:
        listening = await listen_on_port(runner, config)
        handle.port = listening.sockets[0].getsockname()[1]
        log.info("listening on 127.0.0.1:%s", handle.port)
        handle.started.set()
        await handle._stop.wait()
    finally:
        if listening:
            listening.close()  # no new connections while the open ones finish
        await runner.cleanup()
        log.info("stopped")


async def listen_on_port(runner: web.AppRunner, config: Config) -> asyncio.Server:
    """Listen on 127.0.0.1 on config.port. The default port (47474), when another user's
    daemon (or any program) holds it, gives way to a free one: each user of a shared
    computer gets a daemon of their own, and their extension finds it through native
    messaging (the port is in daemon.json). Any other port stays that port or an error."""
    try:
        return await listen(runner, "127.0.0.1", config.port)
    except OSError:
        if config.port != DEFAULT_PORT:
            raise ConfigError("port_in_use", port=config.port) from None
        return await listen(runner, "127.0.0.1", 0)


# -- the process


def setup_logging(config: Config) -> None:
    """Rotating log in config.log_dir: what the daemon did, never prompt text or tokens."""
    hide_client_details()
    config.log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        config.log_dir / "daemon.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name, level in (("aifootprint", logging.INFO), ("aiohttp", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)


TrayFinder = Callable[[Config], tuple[Callable | None, str]]


def run_daemon(config: Config, find_tray: TrayFinder | None = None,
               echo: Callable[[str], None] = print) -> None:
    """`aifootprint run`: serve until SIGTERM, Ctrl+C or the tray's Quit.

    `find_tray` (desktop.find_tray) gives the tray's runner, or None and why not; without
    it (--no-tray) the daemon runs headless.
    """
    check_writable(config)
    make_private(config)
    lock = InstanceLock(config.lock_path)
    state = claim(lock, config, LOCK_WAIT_S)
    if state is not None:
        if "url" in state:
            echo(TEXT("already", config.lang, url=state["url"], pid=state["pid"],
                      since=state["started_at"]))
        else:
            echo(TEXT("starting", config.lang))
        return
    try:
        setup_logging(config)
        try:
            check_at_start(config.db_path)  # before anything opens the database
        except DatabaseError as error:
            # Also for a daemon started at login, without a terminal: in the user's language.
            log.error("%s", error.text(config.lang))
            raise
        handle = start_server_thread(config)
        try:
            # Before the state file says we run: a SIGTERM from then on (while the login
            # link is asked for, on a loaded machine) stops cleanly and removes that file.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: handle.request_stop())
            write_state(config, handle.port)
            if handle.port != config.port:
                echo(TEXT("port_moved", config.lang, port=config.port, new=handle.port))
            echo(TEXT("running", config.lang, url=login_link(config, handle.url)))
            run_tray, reason = (find_tray(config) if find_tray
                                else (None, TEXT("no_tray_flag", config.lang)))
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
