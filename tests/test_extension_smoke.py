"""Smoke check of the extension in a real headless Chromium: it loads, its service worker
starts, the popup renders, /pair pairs it, and a prompt on a replica chatgpt.com page reaches
a stand-in daemon once, with the model and without the prompt text.

The full end-to-end suite (real daemon, more sites, Firefox) lives in tests/e2e/.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "smoke-token"
PROMPT = "SMOKE-SECRET-PROMPT about photosynthesis"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

CHAT_PAGE = """<!doctype html><html><body><p id="out">idle</p><script>
async function send() {
  const response = await fetch('/backend-api/f/conversation', {method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({action: 'next', model: 'auto',
      messages: [{author: {role: 'user'}, content: {content_type: 'text', parts: [PROMPT]}}]})});
  const text = await response.text();
  document.getElementById('out').textContent = 'done ' + text.length;
}
// An about:blank frame's fetch is not wrapped (the MAIN-world script runs in the top frame
// only): only the background's webRequest backup sees this one.
async function sendFromFrame() {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  const response = await frame.contentWindow.fetch('/backend-api/f/conversation', {method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({action: 'next', model: 'auto', messages: []})});
  await response.text();
  document.getElementById('out').textContent = 'frame done';
}
</script></body></html>"""

SSE = (
    'data: {"v": {"message": {"author": {"role": "assistant"}, "metadata": '
    '{"resolved_model_slug": "gpt-smoke"}}}}\n\n'
    'data: {"v": "Plants make sugar"}\n\ndata: [DONE]\n\n'
)

PAIR_PAGE = """<!doctype html><html><body>
<main id="pairing" data-url="{url}" data-token="{token}" data-state="waiting">pairing</main>
</body></html>"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    """A stand-in daemon (/pair, /api/v1/summary, /api/v1/events) and a replica chatgpt.com."""

    def __init__(self, cert_dir: Path):
        self.events: list[dict] = []
        self.daemon_port = free_port()
        self.site_port = free_port()
        self.cert_dir = cert_dir
        self.loop = asyncio.new_event_loop()
        self.runners: list[web.AppRunner] = []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def daemon_app(self) -> web.Application:
        url = f"http://127.0.0.1:{self.daemon_port}"

        def authorized(request):
            return request.headers.get("Authorization") == f"Bearer {TOKEN}"

        async def pair(_):
            page = PAIR_PAGE.format(url=url, token=TOKEN)
            return web.Response(text=page, content_type="text/html")

        async def summary(request):
            if not authorized(request):
                return web.json_response({"error": {"message": "token"}}, status=401)
            return web.json_response({"prompts": 0})

        async def events(request):
            if not authorized(request):
                return web.json_response({"error": {"message": "token"}}, status=401)
            batch = (await request.json())["events"]
            known = {event["id"] for event in self.events}
            self.events += [event for event in batch if event["id"] not in known]
            return web.json_response({"accepted": len(batch), "duplicates": 0})

        app = web.Application()
        app.router.add_get("/pair", pair)
        app.router.add_get("/api/v1/summary", summary)
        app.router.add_post("/api/v1/events", events)
        return app

    def site_app(self) -> web.Application:
        async def page(_):
            return web.Response(
                text=CHAT_PAGE.replace("PROMPT", json.dumps(PROMPT)), content_type="text/html"
            )

        async def conversation(request):
            await request.read()
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            await response.write(SSE.encode())
            await response.write_eof()
            return response

        app = web.Application()
        app.router.add_get("/", page)
        app.router.add_post("/backend-api/f/conversation", conversation)
        return app

    def tls(self) -> ssl.SSLContext:
        cert, key = self.cert_dir / "cert.pem", self.cert_dir / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=chatgpt.com", "-addext", "subjectAltName=DNS:chatgpt.com",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        return context

    async def _start(self):
        for app, port, tls in ((self.daemon_app(), self.daemon_port, None),
                               (self.site_app(), self.site_port, self.tls())):
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls).start()
            self.runners.append(runner)

    def start(self):
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)

    def stop(self):
        async def cleanup():
            for runner in self.runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def servers(tmp_path):
    running = Servers(tmp_path)
    running.start()
    yield running
    running.stop()


def launch(playwright, profile: Path, site_port: int):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, ignore_https_errors=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--host-resolver-rules=MAP chatgpt.com 127.0.0.1:{site_port}",
              f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"],
    )


def test_extension_loads_pairs_and_counts_a_prompt_in_chromium(servers, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile", servers.site_port)
        try:
            worker = context.service_workers[0] if context.service_workers else (
                context.wait_for_event("serviceworker", timeout=20000))
            assert worker.url.endswith("/background.js")
            extension_id = worker.url.split("/")[2]

            popup = context.new_page()
            popup.goto(f"chrome-extension://{extension_id}/popup.html")
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.get_attribute("#connection", "data-state") in ("unpaired", "offline")
            assert "aifootprint run" in popup.inner_text("#connection")
            popup.close()

            pair = context.new_page()
            pair.goto(f"http://127.0.0.1:{servers.daemon_port}/pair")
            pair.wait_for_selector("#pairing[data-state=paired]", timeout=15000)

            chat = context.new_page()
            chat.goto("https://chatgpt.com/")
            chat.wait_for_timeout(500)  # the rules reach the MAIN world after a round trip
            chat.evaluate("send()")
            chat.wait_for_selector("#out:has-text('done')", timeout=10000)
            deadline = 100
            while not servers.events and deadline:
                chat.wait_for_timeout(100)
                deadline -= 1
            chat.wait_for_timeout(1500)  # would a second (webRequest) copy arrive?
            assert len(servers.events) == 1
            event = servers.events[0]
            assert event["site"] == "chatgpt.com" and event["kind"] == "prompt"
            assert event["count"] == 1 and event["model"] == "gpt-smoke"
            assert PROMPT not in json.dumps(servers.events)

            # The backup signal alone counts a request the MAIN world missed (after ~20 s).
            chat.evaluate("sendFromFrame()")
            chat.wait_for_selector("#out:has-text('frame done')", timeout=10000)
            deadline = 400
            while len(servers.events) < 2 and deadline:
                chat.wait_for_timeout(100)
                deadline -= 1
            assert len(servers.events) == 2
            assert servers.events[1]["model"] == "auto"  # the request's pick; no stream seen

            popup = context.new_page()
            popup.goto(f"chrome-extension://{extension_id}/popup.html")
            popup.wait_for_selector("body[data-ready=true]", timeout=15000)
            assert popup.inner_text("#prompts") == "2"
            assert popup.get_attribute("#connection", "data-state") == "connected"
            artifacts = ROOT / "tests" / "artifacts"
            artifacts.mkdir(exist_ok=True)
            popup.screenshot(path=str(artifacts / "popup.png"), full_page=True)
        finally:
            context.close()
