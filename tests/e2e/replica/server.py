"""Runs every replica site on one HTTPS port (127.0.0.1), each under its real host names, in
a worker thread with its own event loop, so a test or the benchmark can drive a browser in
the main thread. The certificate is self-signed and made at start in a temporary directory."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import threading
from pathlib import Path

from aiohttp import web

from . import SITES
from .common import ReplicaState


def make_certificate(directory: Path, hosts: list[str]) -> tuple[Path, Path]:
    cert, key = directory / "replica-cert.pem", directory / "replica-key.pem"
    names = ",".join(f"DNS:{host}" for host in hosts)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=AI Footprint replica",
         "-addext", f"subjectAltName={names}"],
        check=True, capture_output=True)
    return cert, key


def create_app(state: ReplicaState) -> web.Application:
    app = web.Application()
    for site in SITES.values():
        site_app = site.create_app(state)
        for host in site.HOSTS:
            app.add_domain(host, site_app)
    return app


class ReplicaServer:
    """`with ReplicaServer(tmp_dir) as replica:` serves all sites on replica.port."""

    def __init__(self, directory: Path):
        self.state = ReplicaState()
        self.hosts = [host for site in SITES.values() for host in site.HOSTS]
        self._directory = Path(directory)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def host_resolver_rules(self) -> str:
        """Chromium's --host-resolver-rules value sending every replica host here."""
        return ", ".join(f"MAP {host} 127.0.0.1:{self.port}" for host in self.hosts)

    def __enter__(self) -> ReplicaServer:
        cert, key = make_certificate(self._directory, self.hosts)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(context), self._loop).result(timeout=30)
        return self

    async def _start(self, context: ssl.SSLContext) -> None:
        self._runner = web.AppRunner(create_app(self.state), shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def __exit__(self, *exc_info) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
