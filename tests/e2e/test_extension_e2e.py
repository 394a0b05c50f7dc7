"""End to end, as a user would: a real headless Chromium and a real Firefox with the unpacked
extension, paired with a real daemon process through its /pair page, used on replica AI sites
served under their real host names. The daemon's stored counts are asserted exactly.

One browser, one daemon and one replica server per browser (module-scoped): the tests in this
file build on each other in the order they are written, as one user's session would.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from daemon_process import start_daemon

from .browser import REPO
from .session import exported_events, open_rig, wait_for_counts

ARTIFACTS = REPO / "tests" / "artifacts"
# The extension retries a daemon that was down after a backoff (30 s at first).
RESTART_TIMEOUT_S = 150


@pytest.fixture(scope="module", params=["chromium", "firefox"])
def rig(request, tmp_path_factory):
    yield from open_rig(request, tmp_path_factory)


# What the first test sends, and what each send must add: site -> (prompts, images).
FIRST_SESSION = {
    "chatgpt.com": (3, 1),        # 2 prompts + 1 regeneration; 1 image turn = 1 image
    "claude.ai": (2, 0),          # 1 prompt + 1 retry_completion
    "gemini.google.com": (1, 2),  # 1 prompt; a drawing turn = 2 images
    "copilot.microsoft.com": (2, 1),  # 2 send frames, one draws 1 image
    "www.midjourney.com": (0, 5),     # imagine = 4, upscale = 1, video = none
}


# Requests the replica pages send that must count nothing: (host, method, path part).
NOT_COUNTED = [
    ("chatgpt.com", "POST", "/backend-api/sentinel/chat-requirements"),
    ("chatgpt.com", "POST", "/backend-api/f/conversation/prepare"),
    ("chatgpt.com", "POST", "/backend-api/conversation/gen_title/"),
    ("chatgpt.com", "POST", "/backend-api/moderations"),
    ("chatgpt.com", "GET", "/stream_status"),
    ("chatgpt.com", "GET", "/backend-api/conversation/"),
    ("claude.ai", "POST", "/title"),
    ("claude.ai", "GET", "/chat_conversations?limit=30"),
    ("claude.ai", "GET", "?tree=True"),
    ("gemini.google.com", "POST", "/batchexecute?rpcids=ESY5D"),
    ("gemini.google.com", "POST", "/batchexecute?rpcids=MaZiqc"),
    ("copilot.microsoft.com", "POST", "/c/api/conversations"),
    ("www.midjourney.com", "POST", "/api/get-job-status"),
    ("www.midjourney.com", "GET", "/api/imagine?"),
]


def test_sites_prompts_and_images_counted_exactly(rig):
    """Each counted request counts once; everything around it (sentinel, prepare, titles,
    moderation, history reads, batchexecute, pings, polling, a 429) counts nothing."""
    assert rig.send("chatgpt.com", "Explain photosynthesis") == "done"
    rig.replica.state.fail_next["/backend-api/f/conversation"] = 429
    assert rig.send("chatgpt.com", "Rate limited") == "error"
    assert rig.send("chatgpt.com", "And in plants?") == "done"
    assert rig.send("chatgpt.com", button="#regenerate") == "done"
    rig.tab("chatgpt.com").click("#image")
    assert rig.send("chatgpt.com", "A cat on a bike") == "done"
    rig.tab("chatgpt.com").click("#image")

    assert rig.send("claude.ai", "Summarise this") == "done"
    assert rig.send("claude.ai", button="#regenerate") == "done"
    rig.replica.state.fail_next["/completion"] = 429
    assert rig.send("claude.ai", "Rate limited") == "error"

    assert rig.send("gemini.google.com", "What is a volcano") == "done"
    assert rig.send("gemini.google.com", "draw a volcano") == "done"

    assert rig.send("copilot.microsoft.com", "Hello there") == "done"
    assert rig.send("copilot.microsoft.com", "draw a lighthouse") == "done"

    assert rig.send("www.midjourney.com", "a red fox") == "done"
    assert rig.send("www.midjourney.com", button="#upscale") == "done"
    assert rig.send("www.midjourney.com", button="#video") == "done"

    summary = wait_for_counts(rig, FIRST_SESSION)
    not_sent = [call for call in NOT_COUNTED if not rig.replica.state.count(*call)]
    assert not_sent == []  # they were all sent, and none of them counted
    assert summary["prompts"] == 8
    assert summary["images"] == 9
    assert summary["energy_wh"] > 0


AFTER_DAEMON_RESTART = {**FIRST_SESSION, "chatgpt.com": (4, 1), "claude.ai": (3, 0),
                        "www.midjourney.com": (0, 9)}


def test_events_sent_while_daemon_down_delivered_once(rig):
    """Stop the daemon, keep using the sites, start it again (same home, same port): every
    event arrives, none twice."""
    port = rig.daemon.port
    assert rig.daemon.stop() == 0
    assert rig.send("chatgpt.com", "While the daemon sleeps") == "done"
    assert rig.send("claude.ai", "Still counting?") == "done"
    assert rig.send("www.midjourney.com", "a blue whale") == "done"
    time.sleep(1)  # let the extension try (and fail) to deliver
    rig.daemon = start_daemon(rig.home, port=port)

    summary = wait_for_counts(rig, AFTER_DAEMON_RESTART, timeout_s=RESTART_TIMEOUT_S)
    assert (summary["prompts"], summary["images"]) == (10, 13)


def test_events_queued_across_browser_restart_delivered_once(rig):
    """Events the extension could not deliver survive quitting the browser: after the browser
    and the daemon are started again, they arrive, once."""
    port = rig.daemon.port
    assert rig.daemon.stop() == 0
    assert rig.send("chatgpt.com", "Just before closing the browser") == "done"
    assert rig.send("gemini.google.com", "One more question") == "done"
    time.sleep(1)  # the user closes the browser a moment later
    rig.restart_browser()
    rig.daemon = start_daemon(rig.home, port=port)
    # The user opens the popup, which delivers at once; without it the next alarm tick
    # would (up to a minute; the test above already waits for that path).
    rig.open_popup().close()

    expected = dict(AFTER_DAEMON_RESTART)
    expected["chatgpt.com"] = (5, 1)
    expected["gemini.google.com"] = (2, 2)
    summary = wait_for_counts(rig, expected, timeout_s=RESTART_TIMEOUT_S)
    assert (summary["prompts"], summary["images"]) == (12, 13)


# The model each replica reveals, where the extension should find it.
MODELS = {
    "chatgpt.com": "gpt-4o-2024-11-20",          # the stream's resolved_model_slug
    "claude.ai": "claude-sonnet-4-5-20250929",   # the request's model
    "gemini.google.com": "9ec249fc9ad08861",     # element 4 of x-goog-ext-525001261-jspb
    "copilot.microsoft.com": "chat",             # the send frame's mode
    "www.midjourney.com": "fast",                # f.mode
}


def test_stored_events_have_models_and_regenerations(rig):
    events = exported_events(rig.home)
    assert len({event["id"] for event in events}) == len(events)
    # Copilot's imageGenerated frame names no model: its image event has none.
    expected = {*MODELS.items(), ("copilot.microsoft.com", None)}
    assert {(event["site"], event["model"]) for event in events} == expected
    regenerated = Counter(event["site"] for event in events if event["regenerated"])
    assert regenerated == {"chatgpt.com": 1, "claude.ai": 1}
    assert rig.marker not in json.dumps(events)


def test_popup_shows_todays_counts(rig):
    ARTIFACTS.mkdir(exist_ok=True)
    tab = rig.open_popup()
    shows_totals = r"/\b12 prompts\b/.test(document.body.innerText)" \
                   r" && /\b13 images\b/.test(document.body.innerText)"
    try:  # the popup reads storage and asks the daemon asynchronously
        tab.wait_for_function(shows_totals, timeout_s=10)
    finally:
        tab.screenshot(ARTIFACTS / f"popup-{rig.browser.name}.png")
        text = tab.evaluate("document.body.innerText")
        tab.close()
    assert "Connected" in text, text


def files_containing(root: Path, needle: str) -> list[Path]:
    """Files under root holding needle as UTF-8 or UTF-16 (LevelDB and IndexedDB values)."""
    patterns = [needle.encode(), needle.encode("utf-16-le")]
    return [path for path in root.rglob("*") if path.is_file()
            and any(pattern in path.read_bytes() for pattern in patterns)]


def test_typed_prompt_text_stored_nowhere(rig):
    """The marker typed into every prompt is in no file of the daemon's home and in no file
    of the browser profile (the extension's storage included), except the browser's own
    records of the page (session restore, HTTP cache), which hold it with or without it."""
    assert rig.replica.state.count("chatgpt.com", "POST", "/backend-api/f/conversation") >= 5
    storage = rig.browser.extension_storage()
    assert storage and all(any(path.rglob("*")) for path in storage)  # the search is not void
    assert files_containing(rig.home, rig.marker) == []
    own = [rig.browser.profile_dir / part for part in rig.browser.browser_records]
    found = [path for path in files_containing(rig.browser.profile_dir, rig.marker)
             if not any(path.is_relative_to(part) for part in own)]
    assert found == []
