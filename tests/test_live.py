"""GET /api/v1/live on a real daemon process: a change reaches a listener at once, the
number of listeners is bounded, and an open stream does not hold up the daemon's stop."""

from __future__ import annotations

import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime

import pytest

from aifootprint.core.errors import DaemonRefused
from aifootprint.daemon.client import changes
from aifootprint.daemon.config import load_config
from daemon_process import start_daemon

MAX_LISTENERS = 16


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    process = start_daemon(tmp_path_factory.mktemp("live-home"))
    yield process
    process.stop()


def listen(daemon) -> queue.Queue:
    """A thread following the stream with the tray's client; versions arrive in the queue."""
    versions: queue.Queue = queue.Queue()
    config = load_config(home=daemon.home)

    def follow() -> None:
        for version in changes(config, daemon.url):
            versions.put((version, time.monotonic()))

    threading.Thread(target=follow, daemon=True).start()
    return versions


def prompt() -> dict:
    return {"id": str(uuid.uuid4()), "ts": datetime.now(UTC).isoformat(),
            "site": "chatgpt.com", "kind": "prompt", "count": 1}


def test_a_stored_event_and_a_settings_change_reach_a_listener_within_a_second(daemon):
    versions = listen(daemon)
    first, _ = versions.get(timeout=10)  # the stream opens with the version in force
    sent = time.monotonic()
    assert daemon.post("/api/v1/events", {"events": [prompt()]})[0] == 200
    version, arrived = versions.get(timeout=10)
    print(f"changed event {1000 * (arrived - sent):.1f} ms after the POST")
    assert version == first + 1 and arrived - sent < 1.0
    assert daemon.request("PUT", "/api/v1/settings", {"label": "study"})[0] == 200
    assert versions.get(timeout=10)[0] == first + 2
    # A read or a refused write changes nothing and says nothing.
    daemon.get("/api/v1/summary")
    daemon.request("PUT", "/api/v1/settings", {"label": "huiswerk"})
    with pytest.raises(queue.Empty):
        versions.get(timeout=0.5)


def test_listeners_are_bounded_and_the_stream_needs_the_token(daemon):
    config = load_config(home=daemon.home)
    opened = []
    try:
        with pytest.raises(DaemonRefused) as refused:
            while len(opened) <= MAX_LISTENERS:
                stream = changes(config, daemon.url)
                next(stream)  # the opening event: the stream is held open
                opened.append(stream)
    finally:
        for stream in opened:
            stream.close()
    assert refused.value.status == 503 and "16" in str(refused.value)
    assert len(opened) < MAX_LISTENERS  # the first test's listener holds one place
    request = urllib.request.Request(f"{daemon.url}/api/v1/live")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    with refused.value as error:
        assert error.code == 401


def test_an_open_stream_does_not_hold_up_stopping(tmp_path):
    own = start_daemon(tmp_path)
    versions = listen(own)
    versions.get(timeout=10)
    started = time.monotonic()
    assert own.stop() == 0
    print(f"stopped in {time.monotonic() - started:.2f} s with a listener open")
    assert time.monotonic() - started < 10
