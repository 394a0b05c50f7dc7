"""Rate limits and seats at a real class server process: joins and lookups over the limit
get 429 with Retry-After and no address lands anywhere; the seats the teacher sets refuse
the extra member; closing joining and starting again are the teacher's, with the key (on
SQLite and on a real PostgreSQL, the class_db fixture)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest

from aggregator_process import create_class, start_aggregator


def call(url: str, body: dict | None = None, key: str | None = None):
    """(status, headers, JSON answer) of a POST (or a GET without a body)."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_lookups_and_joins_over_the_limit_get_429_and_no_address_is_kept(tmp_path):
    server = start_aggregator(tmp_path / "aggregator", options=("--join-rate", "6"))
    try:
        made = create_class(server.home, "--name", "2A")
        answers = [call(f"{server.url}/api/v1/lookup", {"code": made["join_code"]})
                   for _ in range(3)]
        answers += [call(f"{server.url}/api/v1/lookup", {"code": "AAAAA-AAAAA"})
                    for _ in range(3)]  # guesses count too
        assert [status for status, _, _ in answers] == [200, 200, 200, 404, 404, 404]
        for path, body in (("lookup", {"code": made["join_code"]}),
                           ("join", {"code": made["join_code"],
                                     "pseudonym": secrets.token_urlsafe(32)})):
            status, headers, answer = call(f"{server.url}/api/v1/{path}", body)
            assert status == 429, answer
            assert 1 <= int(headers["Retry-After"]) <= 60
            assert "try again" in answer["error"]["message"]
        # Sending a period's total is not limited: refused for its own reason, not 429.
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        status, _, _ = call(f"{server.url}/api/v1/submissions", {
            "class_id": made["class_id"], "period": yesterday,
            "pseudonym": secrets.token_urlsafe(32), "prompts": 1, "images": 0})
        assert status != 429
    finally:
        errors = server.stop()
    assert "127.0.0.1" not in errors
    for path in (tmp_path / "aggregator").rglob("*"):
        if path.is_file():
            assert b"127.0.0.1" not in path.read_bytes(), path


def test_the_seats_refuse_the_extra_member_and_the_teacher_closes_and_starts_again(tmp_path,
                                                                                   class_db):
    server = start_aggregator(tmp_path / "aggregator", options=class_db.options)
    try:
        made = create_class(server.home, *class_db.options, "--name", "2B", "--seats", "5",
                            "--period", "day")
        code, key = made["join_code"], made["teacher_key"]
        joining_url = f"{server.url}/api/v1/classes/{made['class_id']}/joining"
        members = [secrets.token_urlsafe(32) for _ in range(7)]
        join = [call(f"{server.url}/api/v1/join", {"code": code, "pseudonym": name})
                for name in members[:6]]
        assert [status for status, _, _ in join] == [200] * 5 + [409]
        assert "full" in join[5][2]["error"]["message"]

        assert call(joining_url, {"seats": 6}, "wrong")[0] == 401
        assert call(joining_url, {"seats": 4}, key)[0] == 422  # fewer than the members
        status, _, state = call(joining_url, {"seats": 6}, key)
        assert status == 200 and state == {**state, "seats": 6, "members": 5, "open": True}
        assert call(f"{server.url}/api/v1/join", {"code": code, "pseudonym": members[5]})[0] \
            == 200
        status, _, state = call(joining_url, {"open": False, "seats": 10}, key)
        assert state["open"] is False and state["members"] == 6
        status, _, closed = call(f"{server.url}/api/v1/join",
                                 {"code": code, "pseudonym": members[6]})
        assert status == 409 and "no new members" in closed["error"]["message"]
        # A member joining again (a second computer's daemon retrying) is still welcome.
        assert call(f"{server.url}/api/v1/join", {"code": code, "pseudonym": members[0]})[0] \
            == 200
        report = call(f"{server.url}/api/v1/classes/{made['class_id']}/report", None, key)[2]
        assert report["joining"]["members"] == 6 and report["joining"]["open"] is False

        # Starting again: every member out, the old code dead, a new one open.
        status, _, fresh = call(f"{server.url}/api/v1/classes/{made['class_id']}/reset", {},
                                key)
        assert status == 200 and fresh["joining"] == {**fresh["joining"], "members": 0,
                                                      "open": True}
        assert call(f"{server.url}/api/v1/join", {"code": code, "pseudonym": members[6]})[0] \
            == 404
        assert call(f"{server.url}/api/v1/join", {"code": fresh["join_code"],
                                                  "pseudonym": members[6]})[0] == 200
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        status, _, refused = call(f"{server.url}/api/v1/submissions", {
            "class_id": made["class_id"], "period": yesterday, "pseudonym": members[0],
            "prompts": 1, "images": 0})
        assert status == 409 and "has not joined" in refused["error"]["message"]
    finally:
        server.stop()


def test_a_count_ends_with_its_window_and_holds_no_address():
    from aifootprint.aggregator.rate_limit import RateLimiter
    from aifootprint.core.errors import TooManyRequests

    now = [0.0]
    limiter = RateLimiter(2, window_s=60, clock=lambda: now[0])
    limiter.check("192.0.2.7")
    limiter.check("192.0.2.7")
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("192.0.2.7")
    assert refused.value.retry_after_s == 60
    limiter.check("198.51.100.1")  # another address has its own count
    assert not any("192.0.2.7" in key for key in limiter._windows)
    now[0] = 61.0
    limiter.check("192.0.2.7")  # a new minute
    assert len(limiter._windows) == 1  # the other address's count is gone with its window
