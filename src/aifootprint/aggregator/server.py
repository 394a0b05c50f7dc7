"""Running the aggregator as a process: logging without addresses, no access log."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from aiohttp import web

from .app import create_app
from .config import TEST_CLOCK_ENV, AggregatorConfig

log = logging.getLogger("aifootprint.aggregator")


def setup_logging(config: AggregatorConfig) -> None:
    """Our own messages only, to a file. aiohttp's access log (which would write client
    addresses) is switched off where the runner is made, so no line names a client."""
    config.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(config.log_dir / "aggregator.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


async def serve(config: AggregatorConfig, announce=print) -> None:
    runner = web.AppRunner(create_app(config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    host, port = runner.addresses[0][:2]
    if config.test_clock_file is not None:
        warning = f"TEST CLOCK in use ({TEST_CLOCK_ENV}): not for real classes."
        log.warning(warning)
        print(warning, file=sys.stderr, flush=True)
    log.info("Aggregator listening on port %s", port)
    announce(f"Aggregator listening on http://{host}:{port} (teacher page: /teacher)")
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
