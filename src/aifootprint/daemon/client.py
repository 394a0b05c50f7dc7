"""The CLI's small HTTP client for a running daemon (standard library only).

A CLI command that writes goes through the running daemon's API, so the daemon's writer
stays the only one; with no daemon running it writes itself while holding the instance
lock (`daemon_or_lock`), so no daemon starts in the middle.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from ..core.errors import DaemonNotRunning, DaemonRefused
from .config import Config
from .instance import InstanceLock, claim, running_daemon
from .token import read_token

TIMEOUT_S = 5
WRITE_TIMEOUT_S = 300  # an import of years of events is validated and stored in one go
# How long a command waits for a starting daemon's address (or for another command's lock).
CLAIM_WAIT_S = 10
# Silence on GET /live for longer than this means the daemon is gone: it sends a comment
# line every 20 s (server/live.py HEARTBEAT_S).
LIVE_TIMEOUT_S = 60


def daemon_url(config: Config) -> str:
    """The running daemon's URL (from its state file), else DaemonNotRunning."""
    state = running_daemon(config)
    if not state or "url" not in state:
        raise DaemonNotRunning("not_running")
    return state["url"]


def get_json(config: Config, path: str) -> object:
    """GET /api/v1<path> from the running daemon with the install's token."""
    return call_json(config, "GET", path)


def post_json(config: Config, path: str, body: object) -> object:
    """POST a JSON body to /api/v1<path>; an error answer raises DaemonRefused with its
    message (one sentence, as the daemon wrote it)."""
    return call_json(config, "POST", path, body, timeout=WRITE_TIMEOUT_S)


def call_json(config: Config, method: str, path: str, body: object = None,
              url: str | None = None, timeout: float = TIMEOUT_S) -> object:
    """`method` /api/v1<path> with a JSON body, on the running daemon or the one at `url`
    (the tray knows its own): the answer, DaemonRefused or DaemonNotRunning."""
    request = urllib.request.Request(
        f"{url or daemon_url(config)}/api/v1{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        # The daemon answers an error in the language asked for: the CLI's or the tray's.
        headers={"Accept-Language": config.lang,
                 **({"Content-Type": "application/json"} if body is not None else {})})
    return _call(config, request, timeout)


def login_link(config: Config, url: str | None = None) -> str:
    """A fresh one-time link that opens the dashboard (server/logins.py), from the running
    daemon or the one at `url`."""
    answer = call_json(config, "POST", "/login-link", {}, url=url)
    return answer["url"]  # type: ignore[index]


def _call(config: Config, request: urllib.request.Request, timeout: float) -> object:
    try:
        with _open(config, request, timeout) as response:
            return json.load(response)
    except ValueError as error:
        raise _not_answering(error) from None


def _open(config: Config, request: urllib.request.Request,
          timeout: float) -> http.client.HTTPResponse:
    if not request.full_url.endswith("/api/v1/health"):
        request.add_header("Authorization", f"Bearer {read_token(config.token_path)}")
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        with error:  # its connection is closed once the message is read
            raise _refusal(error) from None
    except (urllib.error.URLError, OSError) as error:
        raise _not_answering(error) from None


def _not_answering(error: Exception) -> DaemonNotRunning:
    return DaemonNotRunning("no_answer", error=error)


def changes(config: Config, url: str | None = None) -> Iterator[int]:
    """Follow GET /api/v1/live: the version of each `changed` event (the first one as the
    stream opens), until the stream ends or falls silent; DaemonNotRunning or
    DaemonRefused when it cannot be opened."""
    request = urllib.request.Request(f"{url or daemon_url(config)}/api/v1/live",
                                     headers={"Accept": "text/event-stream",
                                              "Accept-Language": config.lang})
    with _open(config, request, LIVE_TIMEOUT_S) as response:
        name = ""
        try:
            for raw in response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[len("event:"):].strip()
                elif line.startswith("data:") and name == "changed":
                    yield json.loads(line[len("data:"):])["version"]
                elif not line:
                    name = ""  # a blank line ends an event
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            return  # the daemon stopped or went silent: the caller reconnects


def _refusal(error: urllib.error.HTTPError) -> DaemonRefused:
    try:
        problem = json.load(error)["error"]
        return DaemonRefused("as_answered", error.code, problem.get("field", ""),
                             message=problem["message"])
    except (ValueError, KeyError, TypeError):
        return DaemonRefused("daemon_status", error.code, code=error.code, reason=error.reason)


@contextmanager
def daemon_or_lock(config: Config) -> Iterator[bool]:
    """True: a daemon runs, so send the write to its API. False: none runs, and this
    process holds the instance lock until the block ends: write here."""
    lock = InstanceLock(config.lock_path)
    state = claim(lock, config, CLAIM_WAIT_S)
    if state is None:
        try:
            yield False
        finally:
            lock.release()
    elif "url" in state:
        yield True
    else:
        raise DaemonNotRunning("starting")
