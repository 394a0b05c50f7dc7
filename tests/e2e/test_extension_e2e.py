"""End to end, as a user would: a real headless Chromium and a real Firefox with the unpacked
extension, paired with a real daemon process through its /pair page, used on replica AI sites
served under their real host names. The daemon's stored counts are asserted exactly.

One browser, one daemon and one replica server per browser (module-scoped): the tests in this
file build on each other in the order they are written, as one user's session would. Every
site of extension/adapters/ is used here for its prompts and images; videos are sent in
test_videos_e2e.py, with a daemon of their own.
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
    # Each image turn's own count: (prompts, images) of the site after it.
    assert rig.send(site, "A cat on a bike") == "done"          # 1 image, a whole message
    assert wait_for_site(rig, site, (4, 1)) == (4, 1)
    state.next_answer["chatgpt"] = "patches"
    assert rig.send(site, "Two cats on a bike") == "done"       # 2 images as stream patches
    assert wait_for_site(rig, site, (4, 3)) == (4, 3)
    state.next_answer["chatgpt"] = "task"
    assert rig.send(site, "Two dogs on a bike") == "done"       # 2 images over the socket
    assert wait_for_site(rig, site, (4, 5)) == (4, 5)
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


def use_bing(rig: Rig) -> None:
    page = "www.bing.com/images/create"
    assert rig.send(page, "a lighthouse at dusk") == "done"     # 4 beside search thumbnails
    rig.replica.state.next_answer["bing"] = "one"
    rig.tab(page).click("#dalle")
    assert rig.send(page, "a red kite") == "done"               # thumbnails first, then 1
    rig.tab(page).click("#dalle")


def use_leonardo(rig: Rig) -> None:
    site = "app.leonardo.ai"
    assert rig.send(site, "a castle on a hill") == "done"
    assert rig.send(site, "a castle at night", button="#legacy") == "done"
    rig.replica.state.next_answer["leonardo"] = "errors"
    assert rig.send(site, "out of tokens") == "done"            # a GraphQL error, answered 200
    rig.replica.state.fail_next["/v1/graphql"] = 429
    assert rig.send(site, "Rate limited") == "error"


def use_ideogram(rig: Rig) -> None:
    assert rig.send("ideogram.ai", "a poster that says hello") == "done"
    assert rig.send("ideogram.ai", "a logo", button="#quick") == "done"
    rig.replica.state.fail_next["/api/images/sample"] = 429
    assert rig.send("ideogram.ai", "Rate limited") == "error"


def use_firefly(rig: Rig) -> None:
    assert rig.send("firefly.adobe.com", "a watercolour harbour") == "done"
    assert rig.send("firefly.adobe.com", "a harbour at noon", button="#imagen") == "done"
    rig.replica.state.fail_next["/v2/3p-images/generate-async"] = 429
    assert rig.send("firefly.adobe.com", "Rate limited") == "error"


def use_sora(rig: Rig) -> None:
    assert rig.send("sora.chatgpt.com", "a paper boat", button="#image") == "done"
    assert rig.send("sora.chatgpt.com", "My boat", button="#publish") == "done"


def use_mistral(rig: Rig) -> None:
    assert rig.send("chat.mistral.ai", "Bonjour") == "done"     # newChat, then mode start
    assert rig.send("chat.mistral.ai", "And in English?") == "done"
    assert rig.send("chat.mistral.ai", button="#regenerate") == "done"
    rig.replica.state.fail_next["/api/chat"] = 429
    assert rig.send("chat.mistral.ai", "Rate limited") == "error"


def use_deepseek(rig: Rig) -> None:
    site = "chat.deepseek.com"
    assert rig.send(site, "What is a prime") == "done"
    rig.tab(site).click("#deepthink")
    assert rig.send(site, "Prove it") == "done"
    rig.tab(site).click("#deepthink")
    assert rig.send(site, button="#regenerate") == "done"
    assert rig.send(site, "What is a prime number", button="#edit") == "done"
    assert rig.send(site, button="#continue") == "done"
    assert rig.send(site, button="#resume") == "done"
    rig.replica.state.fail_next["/api/v0/chat/completion"] = 429
    assert rig.send(site, "Rate limited") == "error"


def use_perplexity(rig: Rig) -> None:
    site = "www.perplexity.ai"
    assert rig.send(site, "Who wrote Max Havelaar") == "done"
    assert rig.send(site, button="#retry") == "done"            # same question, try-number 2
    assert rig.send(site, "When", button="#quick") == "done"
    assert rig.send(site, button="#replay") == "done"           # the same frontend_uuid again
    rig.replica.state.fail_next["/perplexity_ask"] = 429
    assert rig.send(site, "Rate limited") == "error"


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
    "www.bing.com": (use_bing, (0, 5)),                # 4 generated (not the thumbnails) + 1
    "app.leonardo.ai": (use_leonardo, (0, 6)),         # Generate quantity 2, legacy job 4
    "ideogram.ai": (use_ideogram, (0, 6)),             # num_images 2, the default 4
    "firefly.adobe.com": (use_firefly, (0, 3)),        # n 2, no n: 1
    "sora.chatgpt.com": (use_sora, (0, 2)),            # image_gen n_variants 2
    "chat.mistral.ai": (use_mistral, (3, 0)),          # start, append, retry
    "chat.deepseek.com": (use_deepseek, (4, 0)),       # 2 completions, regenerate, edit
    "www.perplexity.ai": (use_perplexity, (2, 0)),     # 2 questions
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
        ("ws.chatgpt.com", "GET", "/ws/user/"),
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
    "www.bing.com": [
        ("www.bing.com", "POST", "/images/create?q="),
        ("www.bing.com", "GET", "/images/create?q="),
    ],
    "app.leonardo.ai": [],
    "ideogram.ai": [("ideogram.ai", "POST", "/api/gallery/retrieve-requests")],
    "firefly.adobe.com": [("firefly-3p.ff.adobe.io", "GET", "/v2/status/")],
    "sora.chatgpt.com": [
        ("sora.chatgpt.com", "GET", "/backend/nf/pending/v2"),
        ("sora.chatgpt.com", "GET", "/backend/project_y/profile/drafts"),
        ("sora.chatgpt.com", "POST", "/backend/project_y/post"),
    ],
    "chat.mistral.ai": [("chat.mistral.ai", "POST", "/api/trpc/message.newChat")],
    "chat.deepseek.com": [
        ("chat.deepseek.com", "POST", "/api/v0/chat_session/create"),
        ("chat.deepseek.com", "POST", "/api/v0/chat/create_pow_challenge"),
        ("chat.deepseek.com", "POST", "/api/v0/chat/continue"),
        ("chat.deepseek.com", "POST", "/api/v0/chat/resume_stream"),
        ("chat.deepseek.com", "GET", "/api/v0/chat/history_messages"),
    ],
    "www.perplexity.ai": [],
}
# The same for calls a path does not tell apart: (host, what the replica noted).
NOT_COUNTED_NOTES = {
    "chatgpt.com": [("chatgpt.com", "action continue")],
    "www.midjourney.com": [("www.midjourney.com", "failure")],
    "app.leonardo.ai": [("api.leonardo.ai", "GetAIGenerationFeed"), ("api.leonardo.ai", "errors")],
    "www.perplexity.ai": [("www.perplexity.ai", "try 2"), ("www.perplexity.ai", "try none")],
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
    assert summary["prompts"] == 19
    assert summary["images"] == 40
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
    assert (summary["prompts"], summary["images"]) == (21, 44)


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
    assert (summary["prompts"], summary["images"]) == (23, 44)


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
    "www.bing.com": {None, "dalle"},                  # mdl, when the results URL has it
    "app.leonardo.ai": {"flux-pro-2.0", "b24e16ff-06e3-43eb-8d33-4416c2d75876"},
    "ideogram.ai": {"V_3_0", "V_2"},                  # model_version
    "firefly.adobe.com": {"gpt-image-1", "imagen"},   # modelVersion, else modelId
    "sora.chatgpt.com": {None},                       # image_gen names no model
    "chat.mistral.ai": {None},                        # not in the request
    "chat.deepseek.com": {"deepseek-chat", "deepseek-reasoner"},  # from thinking_enabled
    "www.perplexity.ai": {"pplx_pro", "concise"},     # model_preference, else mode
}


def test_stored_events_have_models_and_regenerations(rig):
    events = exported_events(rig.home)
    assert len({event["id"] for event in events}) == len(events)
    expected = {(site, model) for site, models in MODELS.items() for model in models}
    assert {(event["site"], event["model"]) for event in events} == expected
    regenerated = Counter(event["site"] for event in events if event["regenerated"])
    assert regenerated == {"chatgpt.com": 1, "claude.ai": 1, "chat.mistral.ai": 1,
                           "chat.deepseek.com": 1}
    by_kind = Counter((event["site"], event["kind"]) for event in events)
    assert by_kind[("chatgpt.com", "image")] == 4  # 1 + 2 + 1 at once, 1 when delivered
    assert rig.marker not in json.dumps(events)


def test_popup_shows_todays_counts(rig):
    ARTIFACTS.mkdir(exist_ok=True)
    tab = rig.open_popup()
    shows_totals = r"/\b23 prompts\b/.test(document.body.innerText)" \
                   r" && /\b44 images\b/.test(document.body.innerText)"
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
