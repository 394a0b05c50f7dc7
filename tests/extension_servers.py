"""Stand-in servers for the extension smoke tests: a daemon (/pair, /api/v1/summary,
/api/v1/events, the real contract's shapes) and one HTTPS server (a throw-away certificate)
answering as chatgpt.com (fetch, SSE), gemini.google.com (XHR, framed answer) and
copilot.microsoft.com (WebSocket). /hostile is the same chat page with a hostile script
(tests/extension/pages/hostile.js) as its first script. The real daemon and more sites are in
tests/e2e/."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
import threading
from pathlib import Path

from aiohttp import web

from aifootprint.daemon.server.security import daemon_proof

TOKEN = "smoke-token"
SITE_HOSTS = ("chatgpt.com", "gemini.google.com", "copilot.microsoft.com")
PROMPT = "SMOKE-SECRET-PROMPT about photosynthesis"
HOSTILE_SCRIPT = Path(__file__).resolve().parent / "extension" / "pages" / "hostile.js"

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
// Gemini's StreamGenerate XHR and Copilot's WebSocket, as those sites send them.
function sendGemini() {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?rt=c');
  xhr.setRequestHeader('x-goog-ext-525001261-jspb', '[1,null,null,null,"gemhash"]');
  xhr.onloadend = () => { document.getElementById('out').textContent = 'gemini done'; };
  xhr.send('f.req=' + encodeURIComponent(JSON.stringify([null, JSON.stringify([[PROMPT]])])));
}
function sendCopilot() {
  const socket = new WebSocket('wss://' + location.host + '/c/api/chat?api-version=2');
  socket.onopen = () => {
    socket.send(JSON.stringify({event: 'setOptions'}));
    const content = [{type: 'text', text: PROMPT}];
    socket.send(JSON.stringify({event: 'send', mode: 'smart', content}));
  };
  socket.onmessage = (event) => {
    if (JSON.parse(event.data).event === 'done') {
      document.getElementById('out').textContent = 'copilot done';
      socket.close();
    }
  };
}
// What a changed site would send: a generation-like POST that no adapter rule knows.
async function sendUnknown() {
  await fetch('/backend-api/f/conversation-v9', {method: 'POST',
    headers: {'content-type': 'application/json'}, body: JSON.stringify({pad: 'x'.repeat(300)})});
  document.getElementById('out').textContent = 'unknown done';
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

        async def health(request):  # with the proof the extension checks before its token
            proof = daemon_proof(TOKEN, self.daemon_port, request.query.get("challenge", ""))
            return web.json_response({"status": "ok", "version": "stand-in", "proof": proof})

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
        app.router.add_get("/api/v1/health", health)
        app.router.add_get("/api/v1/summary", summary)
        app.router.add_post("/api/v1/events", events)
        return app

    def site_app(self) -> web.Application:
        async def page(_):
            return web.Response(
                text=CHAT_PAGE.replace("PROMPT", json.dumps(PROMPT)), content_type="text/html"
            )

        async def hostile(_):
            chat = CHAT_PAGE.replace("PROMPT", json.dumps(PROMPT))
            head = '<html><head><script src="/hostile.js"></script></head>'
            return web.Response(text=chat.replace("<html>", head, 1), content_type="text/html")

        async def hostile_script(_):
            return web.Response(text=HOSTILE_SCRIPT.read_text(), content_type="text/javascript")

        async def conversation(request):
            await request.read()
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            await response.write(SSE.encode())
            await response.write_eof()
            return response

        async def stream_generate(request):
            await request.read()
            inner = json.dumps([None, ["c_1", "r_1"], None, None, [["rc_1", ["Plants"]]]])
            frame = json.dumps([["wrb.fr", None, inner]])
            return web.Response(text=f")]}}'\n\n{len(frame)}\n{frame}\n")

        async def copilot_socket(request):
            socket = web.WebSocketResponse()
            await socket.prepare(request)
            async for message in socket:
                if json.loads(message.data).get("event") == "send":
                    await socket.send_str(json.dumps({"event": "appendText", "text": "Plants"}))
                    await socket.send_str(json.dumps({"event": "imageGenerated", "id": "i1"}))
                    await socket.send_str(json.dumps({"event": "done"}))
            return socket

        app = web.Application()
        app.router.add_get("/", page)
        app.router.add_get("/hostile", hostile)
        app.router.add_get("/hostile.js", hostile_script)
        app.router.add_post("/backend-api/f/conversation", conversation)
        app.router.add_post(
            "/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate",
            stream_generate,
        )
        app.router.add_get("/c/api/chat", copilot_socket)
        return app

    def tls(self) -> ssl.SSLContext:
        cert, key = self.cert_dir / "cert.pem", self.cert_dir / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=chatgpt.com", "-addext", "subjectAltName=" + ",".join(
                 f"DNS:{host}" for host in SITE_HOSTS),
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
