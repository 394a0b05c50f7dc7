"""Videos end to end, in real Chromium and real Firefox: every site whose adapter counts
videos (Midjourney video jobs, Leonardo video models, Bing Video Creator, Firefly partner
videos, Gemini Veo, Sora) used on its replica, the extension's own counts and what the daemon
stores asserted exactly. No video may be counted as an image or a prompt.

A module of its own, with its own browser and daemon, so its counts stand apart from the
prompts and images the other module asserts.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from daemon_process import start_daemon

from .session import DELIVERY_TIMEOUT_S, Rig, exported_events, not_sent, open_rig, per_site


@pytest.fixture(scope="module", params=["chromium", "firefox"])
def rig(request, tmp_path_factory):
    yield from open_rig(request, tmp_path_factory)


def film(rig: Rig) -> None:
    """Every video the replicas make, and the video requests that must make none."""
    state = rig.replica.state
    mj = "www.midjourney.com"  # Animate starts from the newest job in the feed
    assert rig.send(mj, "the fox runs --bs 1", button="#video") == "done"
    assert rig.send(mj, "--bs 2 --motion low", button="#video") == "done"
    assert rig.send(mj, "the fox jumps", button="#video") == "done"       # the site's batch of 4
    state.next_answer["midjourney"] = "failure"
    assert rig.send(mj, "the fox flies --bs 1", button="#video") == "done"  # refused

    assert rig.send("app.leonardo.ai", "waves on a beach", button="#video") == "done"
    assert rig.send("app.leonardo.ai", "a dancing robot", button="#seedance") == "done"
    state.next_answer["leonardo"] = "errors"
    assert rig.send("app.leonardo.ai", "out of tokens", button="#video") == "done"

    assert rig.send("www.bing.com/videos/create", "a timelapse of clouds") == "done"

    assert rig.send("firefly.adobe.com", "a drone over a forest", button="#veo") == "done"
    assert rig.send("firefly.adobe.com", "a city at night", button="#sora") == "done"
    state.fail_next["/v2/3p-videos/generate-async"] = 429
    assert rig.send("firefly.adobe.com", "Rate limited", button="#kling") == "error"

    assert rig.send("gemini.google.com", "film a waterfall") == "done"     # Veo

    sora = "sora.chatgpt.com"
    assert rig.send(sora, "a paper boat on a river") == "done"
    assert rig.send(sora, "a paper boat at sea", button="#pro") == "done"
    assert rig.send(sora, "the same, in winter", button="#remix") == "done"
    assert rig.send(sora, "three scenes", button="#storyboard") == "done"
    assert rig.send(sora, "My film", button="#publish") == "done"
    state.fail_next["/backend/nf/create"] = 429
    assert rig.send(sora, "Rate limited") == "error"


# What the extension counts today, per site: videos, and of those with a known length the
# seconds in all (video_seconds) and how many (videos_timed). No prompt, no image.
EXTENSION_COUNTS = {
    "www.midjourney.com": {"videos": 7},                 # --bs 1, --bs 2, none: the site's 4
    "app.leonardo.ai": {"videos": 3, "video_seconds": 20, "videos_timed": 3},  # 2 x 5 s, 10 s
    "www.bing.com": {"videos": 1},                       # one .mp4 (its OIG poster is no image)
    "firefly.adobe.com": {"videos": 2, "video_seconds": 20, "videos_timed": 2},  # 8 s, 12 s
    "gemini.google.com": {"videos": 1},                  # Veo: no length in the reply
    "sora.chatgpt.com": {"videos": 4, "video_seconds": 60, "videos_timed": 4},  # 15+10+10+25
}
# (site, count, seconds, model) of each video event the daemon should store.
VIDEO_EVENTS = Counter([
    ("www.midjourney.com", 1, None, "fast"), ("www.midjourney.com", 2, None, "fast"),
    ("www.midjourney.com", 4, None, "fast"),
    ("app.leonardo.ai", 2, 5.0, "kling-3.0"), ("app.leonardo.ai", 1, 10.0, "seedance-1.0-pro"),
    ("www.bing.com", 1, None, None),
    ("firefly.adobe.com", 1, 8.0, "3.1-fast-generate"), ("firefly.adobe.com", 1, 12.0, "sora-2"),
    ("gemini.google.com", 1, None, "9ec249fc9ad08861"),
    ("sora.chatgpt.com", 1, 15.0, "sy_8"), ("sora.chatgpt.com", 1, 10.0, "sy_ore"),
    ("sora.chatgpt.com", 1, 10.0, "sy_8"), ("sora.chatgpt.com", 1, 25.0, "sy_8"),
])
NOT_COUNTED = [
    ("www.midjourney.com", "POST", "/api/get-job-status"),
    ("www.midjourney.com", "GET", "/api/imagine?"),
    ("www.bing.com", "POST", "/videos/create?q="),
    ("firefly-3p.ff.adobe.io", "GET", "/v2/status/"),
    ("gemini.google.com", "POST", "/batchexecute?rpcids=ESY5D"),
    ("sora.chatgpt.com", "GET", "/backend/nf/pending/v2"),
    ("sora.chatgpt.com", "GET", "/backend/project_y/profile/drafts"),
    ("sora.chatgpt.com", "POST", "/backend/project_y/post"),
]
NOT_COUNTED_NOTES = [("www.midjourney.com", "failure"), ("api.leonardo.ai", "errors"),
                     ("api.leonardo.ai", "GetAIGenerationFeed")]


def expected_today() -> dict:
    return {site: {"prompts": 0, "images": 0, **counts}
            for site, counts in EXTENSION_COUNTS.items()}


def as_stored(event: dict) -> tuple:
    seconds = event.get("seconds")
    return (event["site"], event["count"], None if seconds is None else float(seconds),
            event.get("model"))


def wait_for_status(rig: Rig, done) -> dict:
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    status = rig.extension_status()
    while not done(status) and time.monotonic() < deadline:
        time.sleep(0.5)
        status = rig.extension_status()
    return status


def test_videos_counted_as_videos_never_as_images(rig):
    """The extension counts each video once, as a video, with its length where the site
    names it, and sends exactly those events; nothing reaches the daemon as a prompt or an
    image (the OIG poster beside Bing's video, Veo's placeholder frame and the video models'
    requests included)."""
    port = rig.daemon.port
    assert rig.daemon.stop() == 0  # the events wait in the queue, to be read as they go out
    film(rig)
    status = wait_for_status(rig, lambda status: status["today"] == expected_today())
    assert status["today"] == expected_today()
    assert status["broken"] == []
    queued = rig.queued_events()
    assert {event["kind"] for event in queued} == {"video"}
    assert Counter(as_stored(event) for event in queued) == VIDEO_EVENTS

    rig.daemon = start_daemon(rig.home, port=port)
    status = wait_for_status(rig, lambda status: status["queue"]["pending"] == 0)
    assert status["queue"]["pending"] == 0  # every event delivered
    summary = rig.summary()
    assert (summary["prompts"], summary["images"], per_site(summary)) == (0, 0, {})
    assert not_sent(rig, NOT_COUNTED, NOT_COUNTED_NOTES) == []


def test_daemon_stores_exactly_the_videos(rig):
    """Per site and in all, as the summary and `aifootprint export` give them."""
    summary = rig.summary()
    videos = {site["name"]: site["videos"] for site in summary["sites"] if site["videos"]}
    assert videos == {site: counts["videos"] for site, counts in EXTENSION_COUNTS.items()}
    assert (summary["prompts"], summary["images"], summary["videos"]) == (0, 0, 18)
    events = exported_events(rig.home)
    assert {event["kind"] for event in events} == {"video"}
    assert Counter(as_stored(event) for event in events) == VIDEO_EVENTS
