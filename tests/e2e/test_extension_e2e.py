"""End to end, as a user would: a real headless Chromium and a real Firefox with the unpacked
extension, paired with a real daemon process through its /pair page, used on replica AI sites
served under their real host names. The daemon's stored counts are asserted exactly.

One browser, one daemon and one replica server per browser (module-scoped): the tests in this
file build on each other in the order they are written, as one user's session would. Each
site is used here for its prompts and images; no video is sent here (the daemon refuses
events of kind video until it stores them).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from daemon_process import start_daemon

from .browser import REPO
from .session import (
    Rig,
    exported_events,
    not_sent,
    open_rig,
    wait_for_counts,
    wait_for_site,
)

ARTIFACTS = REPO / "tests" / "artifacts"
# The extension retries a daemon that was down after a backoff (30 s at first).
RESTART_TIMEOUT_S = 150


@pytest.fixture(scope="module", params=["chromium", "firefox"])
def rig(request, tmp_path_factory):
    yield from open_rig(request, tmp_path_factory)


# ---- what the user does on each site: the counted sends and everything around them --------


def use_chatgpt(rig: Rig) -> None:
    site = "chatgpt.com"
    state = rig.replica.state
    assert rig.send(site, "Explain photosynthesis") == "done"
    state.fail_next["/backend-api/f/conversation"] = 429
    assert rig.send(site, "Rate limited") == "error"
    assert rig.send(site, "And in plants?") == "done"
    assert rig.send(site, button="#regenerate") == "done"
    assert rig.send(site, button="#continue") == "done"        # not a new prompt
    state.next_answer["chatgpt"] = "handoff"                    # the model comes over the socket
    assert rig.send(site, "Think this through") == "done"
    rig.tab(site).click("#image")
    assert rig.send(site, "A cat on a bike") == "done"          # 1 image, a whole message
    state.next_answer["chatgpt"] = "patches"
    assert rig.send(site, "Two cats on a bike") == "done"       # 2 images as stream patches
    state.next_answer["chatgpt"] = "task"
    assert rig.send(site, "Two dogs on a bike") == "done"       # 2 images over the socket
    rig.tab(site).click("#image")


def use_claude(rig: Rig) -> None:
    assert rig.send("claude.ai", "Summarise this") == "done"
    assert rig.send("claude.ai", button="#regenerate") == "done"
    rig.replica.state.fail_next["/completion"] = 429
    assert rig.send("claude.ai", "Rate limited") == "error"


def use_gemini(rig: Rig) -> None:
    assert rig.send("gemini.google.com", "What is a volcano") == "done"
    assert rig.send("gemini.google.com", "draw a volcano") == "done"
    second = "gemini.google.com/u/1/app"  # the school account beside a personal one
    assert rig.send(second, "What is erosion") == "done"
    assert rig.send(second, "edit this photo: add a hat") == "done"
    rig.replica.state.fail_next["/StreamGenerate"] = 429
    assert rig.send(second, "Rate limited") == "error"


def use_copilot(rig: Rig) -> None:
    assert rig.send("copilot.microsoft.com", "Hello there") == "done"
    assert rig.send("copilot.microsoft.com", "draw a lighthouse") == "done"


def use_midjourney(rig: Rig) -> None:
    site = "www.midjourney.com"
    assert rig.send(site, "a red fox") == "done"
    assert rig.send(site, button="#upscale") == "done"
    assert rig.send(site, "a red fox in snow", button="#remix") == "done"
    rig.replica.state.next_answer["midjourney"] = "failure"
    assert rig.send(site, "a banned fox") == "done"             # refused: nothing made


# site -> (what the user does there, the (prompts, images) it must add)
SESSION = {
    # 2 prompts + 1 regeneration + 1 handed-off turn; image turns: 1 + 2 (patches) +
    # 2 (1 at once, 1 more when the socket delivers the task)
    "chatgpt.com": (use_chatgpt, (4, 5)),
    "claude.ai": (use_claude, (2, 0)),                 # 1 prompt + 1 retry_completion
    # 1 prompt + 1 on the second account; a drawing of 2 + an edit of 1 (second account)
    "gemini.google.com": (use_gemini, (2, 3)),
    "copilot.microsoft.com": (use_copilot, (2, 1)),    # 2 send frames, one draws 1 image
    "www.midjourney.com": (use_midjourney, (0, 9)),    # imagine 4, upscale 1, remix 4
}
FIRST_SESSION = {site: counts for site, (_, counts) in SESSION.items()}


# Requests the replica pages send that must count nothing: (host, method, path part).
NOT_COUNTED = {
    "chatgpt.com": [
        ("chatgpt.com", "POST", "/backend-api/sentinel/chat-requirements"),
        ("chatgpt.com", "POST", "/backend-api/f/conversation/prepare"),
        ("chatgpt.com", "POST", "/backend-api/conversation/gen_title/"),
        ("chatgpt.com", "POST", "/backend-api/moderations"),
        ("chatgpt.com", "GET", "/stream_status"),
        ("chatgpt.com", "GET", "/backend-api/conversation/"),
        ("chatgpt.com", "GET", "/backend-api/celsius/ws/user"),
        ("pubsub.chatgpt.com", "GET", "/v1/socket?token="),
    ],
    "claude.ai": [
        ("claude.ai", "POST", "/title"),
        ("claude.ai", "GET", "/chat_conversations?limit=30"),
        ("claude.ai", "GET", "?tree=True"),
    ],
    "gemini.google.com": [
        ("gemini.google.com", "POST", "/_/BardChatUi/data/batchexecute?rpcids=ESY5D"),
        ("gemini.google.com", "POST", "/_/BardChatUi/data/batchexecute?rpcids=MaZiqc"),
        ("gemini.google.com", "POST", "/u/1/_/BardChatUi/data/batchexecute?rpcids=ESY5D"),
        ("gemini.google.com", "POST", "/u/1/_/BardChatUi/data/batchexecute?rpcids=hNvQHb"),
    ],
    "copilot.microsoft.com": [("copilot.microsoft.com", "POST", "/c/api/conversations")],
    "www.midjourney.com": [
        ("www.midjourney.com", "POST", "/api/jobs-actions"),
        ("www.midjourney.com", "POST", "/api/user-queue"),
        ("www.midjourney.com", "POST", "/api/get-job-status"),
        ("www.midjourney.com", "GET", "/api/imagine?"),
    ],
}
# The same for calls a path does not tell apart: (host, what the replica noted).
NOT_COUNTED_NOTES = {
    "chatgpt.com": [("chatgpt.com", "action continue")],
    "www.midjourney.com": [("www.midjourney.com", "failure")],
}


@pytest.mark.parametrize("site", list(SESSION))
def test_site_counts_exactly(rig, site):
    """Each counted request of the site counts once, with its exact number of images; what
    the site sends around it (sentinel, prepare, titles, moderation, history reads and polls,
    batchexecute, pings, job and queue polls, feeds, continue and resume, retries, refused
    jobs, GraphQL errors, 429s, search thumbnails) counts nothing."""
    use, expected = SESSION[site]
    use(rig)
    assert wait_for_site(rig, site, expected) == expected
    assert not_sent(rig, NOT_COUNTED[site], NOT_COUNTED_NOTES.get(site, [])) == []


def test_all_sites_counted_exactly(rig):
    """Afterwards the daemon holds exactly the sum: no late duplicate, nothing on another
    site, no suspect request that would make the popup warn of a broken adapter."""
    summary = wait_for_counts(rig, FIRST_SESSION)
    assert summary["prompts"] == 10
    assert summary["images"] == 18
    assert summary["energy_wh"] > 0
    assert rig.extension_status()["broken"] == []


AFTER_DAEMON_RESTART = {**FIRST_SESSION, "chatgpt.com": (5, 5), "claude.ai": (3, 0),
                        "www.midjourney.com": (0, 13)}


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
    assert (summary["prompts"], summary["images"]) == (12, 22)


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
    expected["chatgpt.com"] = (6, 5)
    expected["gemini.google.com"] = (3, 3)
    summary = wait_for_counts(rig, expected, timeout_s=RESTART_TIMEOUT_S)
    assert (summary["prompts"], summary["images"]) == (14, 22)


# The models each replica reveals, where the extension should find them; None: an event
# whose request and answer name none.
MODELS = {
    "chatgpt.com": {"gpt-4o-2024-11-20",     # the stream's resolved_model_slug
                    "gpt-5-thinking",        # the handed-off turn's, from the socket
                    None},                   # the image the socket delivered later
    "claude.ai": {"claude-sonnet-4-5-20250929"},      # the request's model
    "gemini.google.com": {"9ec249fc9ad08861"},        # element 4 of x-goog-ext-525001261-jspb
    "copilot.microsoft.com": {"chat", None},          # the send frame's mode; imageGenerated
    "www.midjourney.com": {"fast", "relax"},          # f.mode
}


def test_stored_events_have_models_and_regenerations(rig):
    events = exported_events(rig.home)
    assert len({event["id"] for event in events}) == len(events)
    expected = {(site, model) for site, models in MODELS.items() for model in models}
    assert {(event["site"], event["model"]) for event in events} == expected
    regenerated = Counter(event["site"] for event in events if event["regenerated"])
    assert regenerated == {"chatgpt.com": 1, "claude.ai": 1}
    by_kind = Counter((event["site"], event["kind"]) for event in events)
    assert by_kind[("chatgpt.com", "image")] == 4  # 1 + 2 + 1 at once, 1 when delivered
    assert rig.marker not in json.dumps(events)


def test_popup_shows_todays_counts(rig):
    ARTIFACTS.mkdir(exist_ok=True)
    tab = rig.open_popup()
    shows_totals = r"/\b14 prompts\b/.test(document.body.innerText)" \
                   r" && /\b22 images\b/.test(document.body.innerText)"
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
