"""Running the aggregator as a process: HTTPS or HTTP, logging without addresses, no\naccess log."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
import sys

from aiohttp import web

from ..core.errors import ConfigError
from ..core.web import hide_client_details
from .app import create_app
from .config import TEST_CLOCK_ENV, AggregatorConfig

log = logging.getLogger("aifootprint.aggregator")


def setup_logging(config: AggregatorConfig) -> None:
    """Our own messages only, to a file. aiohttp's access log (which would write client
    addresses) is switched off where the runner is made, and its error lines lose the
    address (core.web.hide_client_details), so no line names a client."""
    hide_client_details()
    config.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(config.log_dir / "aggregator.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def tls_context(config: AggregatorConfig) -> ssl.SSLContext | None:
    """HTTPS with the school's certificate and key (--cert, --key); None: plain HTTP, for
    a reverse proxy in front (docs/deploy.md) or a test on loopback."""
    if config.cert_file is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(config.cert_file, config.key_file)
    except (OSError, ssl.SSLError) as error:
        raise ConfigError("certificate_unusable", path=config.cert_file, error=error) from None
    return context


async def serve(config: AggregatorConfig, announce=print) -> None:
    runner = web.AppRunner(create_app(config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port, ssl_context=tls_context(config))
    await site.start()
    host, port = runner.addresses[0][:2]
    scheme = "https" if config.cert_file else "http"
    if config.test_clock_file is not None:
        warning = f"TEST CLOCK in use ({TEST_CLOCK_ENV}): not for real classes."
        log.warning(warning)
        print(warning, file=sys.stderr, flush=True)
    log.info("Aggregator listening on port %s", port)
    announce(f"Aggregator listening on {scheme}://{host}:{port} (teacher page: /teacher)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still stops it
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        log.info("Aggregator stopped")
