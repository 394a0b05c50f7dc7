"""Start the REAL daemon process (`python -m aifootprint run --no-tray`) for tests.

    daemon = start_daemon(home)          # a free port, waits for /health
    daemon.get("/api/v1/summary")        # -> (status, json) with the owner's token
    page.goto(daemon.dashboard_url())    # a browser opens the dashboard (one-time login)
    daemon.log_in(page)                  # the same, waiting until the page is at /
    daemon.stop()                        # SIGTERM, waits; daemon.kill() is SIGKILL

It runs this checkout's code (PYTHONPATH=<repo>/daemon) with AIFOOTPRINT_HOME=home.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def daemon_env(home: Path, extra: dict | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "AIFOOTPRINT_HOME": str(home),
           "AIFOOTPRINT_LANG": "en"}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "AIFOOTPRINT_PORT"):
        env.pop(name, None)
    env.update(extra or {})
    return env


@dataclass
class DaemonProcess:
    home: Path
    port: int
    process: subprocess.Popen
    token: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: object = None, headers: dict | None = None,
                data: bytes | None = None, timeout: float = 10) -> tuple[int, object]:
        """(status, parsed JSON or text); the token is sent unless headers say otherwise."""
        all_headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={k: v for k, v in all_headers.items() if v})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _parse(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _parse(error.read())

    def get(self, path: str, **kwargs) -> tuple[int, object]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: object = None, **kwargs) -> tuple[int, object]:
        return self.request("POST", path, body, **kwargs)

    def dashboard_url(self) -> str:
        """A fresh one-time login link, as `aifootprint dashboard` opens: in a browser it sets
        the session cookie and goes on to the dashboard. Good once, for 2 minutes; every
        browser context (Playwright's browser.new_page makes one) needs its own."""
        status, answer = self.post("/api/v1/login-link", {})
        assert status == 200, answer
        return answer["url"]

    def log_in(self, page) -> None:
        """Open a fresh login link in a Playwright page and wait until it has gone on to /
        (the login page refreshes there): the page's browser context is then logged in."""
        page.goto(self.dashboard_url())
        page.wait_for_url(self.url + "/")

    @property
    def extension_token(self) -> str:
        """The browser extension's token (least privilege; `self.token` is the owner's)."""
        return (self.home / "config" / "extension-token").read_text().strip()

    def healthy(self) -> bool:
        try:
            return self.get("/api/v1/health", timeout=1)[0] == 200
        except OSError:
            return False

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM and wait: the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self._finish(timeout)

    def kill(self) -> int:
        if self.process.poll() is None:
            self.process.kill()
        return self._finish(15)

    def _finish(self, timeout: float) -> int:
        out, _ = self.process.communicate(timeout=timeout)
        self.output.append(out or "")
        return self.process.returncode


def _parse(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def start_daemon(home: Path, port: int | None = None, env: dict | None = None,
                 default_port: bool = False) -> DaemonProcess:
    """Start `aifootprint run --no-tray` for `home` and wait until /health answers; on a
    free port, or with `default_port` without --port (47474, or the free port it gives way
    to, read from daemon.json)."""
    port = port or free_port()
    ports = [] if default_port else ["--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "aifootprint", "run", "--no-tray", "--home", str(home), *ports],
        env=daemon_env(home, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    daemon = DaemonProcess(Path(home), port, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while default_port and not (state := Path(home) / "data" / "daemon.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if default_port and state.exists():
        daemon.port = json.loads(state.read_text())["port"]
    while not daemon.healthy():
        if process.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            raise RuntimeError(f"the daemon did not start: {''.join(daemon.output)}")
        time.sleep(0.05)
    daemon.token = (Path(home) / "config" / "token").read_text().strip()
    return daemon


def pair_browser(home: Path, user_home: Path) -> list[str]:
    """`aifootprint pair-browser` for `home`, as a user whose home folder is user_home: the
    files it wrote."""
    from click.testing import CliRunner

    from aifootprint.cli import main

    env = {**os.environ, "HOME": str(user_home)}
    env.pop("XDG_CONFIG_HOME", None)
    result = CliRunner(env=env).invoke(main, ["pair-browser", "--home", str(home),
                                              "--lang", "en"])
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.output.splitlines()[1:]]
