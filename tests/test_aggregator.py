"""The class aggregator's rules, against the real app and a real database: each test that
keeps classes runs on a SQLite file and on a real PostgreSQL server (the class_db fixture).

Time is the test clock file (AIFOOTPRINT_AGGREGATOR_TEST_CLOCK): a class with day
periods, "yesterday" is closed and open for submissions until tomorrow 00:00.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from aggregator_process import create_class, run_cli, start_aggregator, stored_sums
from aifootprint.aggregator.app import create_app
from aifootprint.aggregator.config import load_aggregator_config
from aifootprint.aggregator.migrations import LATEST, MIGRATIONS
from aifootprint.aggregator.privacy import MIN_K, add_noise, error_bar, participant_band
from aifootprint.aggregator.store import (
    AggregatorStore,
    ClassSettings,
    load_secret,
    open_database,
)
from aifootprint.core.errors import DatabaseError, InvalidInput
from aifootprint.core.migrations import migrate
from aifootprint.model import periods
from test_extension_smoke import CHROMIUM

NOW = datetime(2026, 11, 25, 10, 0)
YESTERDAY = "2026-11-24"
AFTER_WINDOW = datetime(2026, 11, 26, 0, 1)


@pytest.fixture
def agg_config(tmp_path, class_db):
    clock = tmp_path / "clock"
    clock.write_text(NOW.isoformat())
    env = {"AIFOOTPRINT_AGGREGATOR_TEST_CLOCK": str(clock)}
    config = load_aggregator_config(home=tmp_path / "aggregator", lang="en", env=env,
                                    database=class_db.url)
    return replace(config, release_check_s=3600)


def open_store(config) -> AggregatorStore:
    return AggregatorStore(open_database(config.database), load_secret(config.secret_path))


@pytest.fixture
def made_class(agg_config):
    store = open_store(agg_config)
    made = store.create_class(ClassSettings("3B", "day", max_students=8), NOW)
    store.close()
    return made


@pytest.fixture
async def client(aiohttp_client, agg_config, made_class):
    return await aiohttp_client(create_app(agg_config))


def pseudonym() -> str:
    return secrets.token_urlsafe(32)


async def joined(client, made_class, count: int) -> list[str]:
    names = [pseudonym() for _ in range(count)]
    for name in names:
        reply = await client.post("/api/v1/join",
                                  json={"code": made_class["join_code"], "pseudonym": name})
        assert reply.status == 200, await reply.text()
    return names


def body(made_class, name, prompts=3, images=1, period=YESTERDAY) -> dict:
    return {"class_id": made_class["class_id"], "period": period, "pseudonym": name,
            "prompts": prompts, "images": images}


def sums(config) -> list[tuple]:
    return stored_sums(config.database)


async def test_submission_counts_once_into_the_sums(client, made_class, agg_config):
    (name,) = await joined(client, made_class, 1)
    reply = await client.post("/api/v1/submissions", json=body(made_class, name))
    assert reply.status == 200 and await reply.json() == {"accepted": True}
    assert sums(agg_config) == [(made_class["class_id"], YESTERDAY, 3, 1, 1)]


REFUSED = [
    # (what, change to the body, status, words in the message)
    ("duplicate", None, 409, "already submitted"),
    ("prompts above the clip bound", {"prompts": 31}, 422, "between 0 and 30"),
    ("negative images", {"images": -1}, 422, "between 0 and 10"),
    ("prompts as a float", {"prompts": 2.5}, 422, "prompts"),
    ("prompts as text", {"prompts": "3"}, 422, "prompts"),
    ("an extra field", {"site": "chatgpt.com"}, 422, "site"),
    ("a missing field", {"images": None}, 422, "images"),
    ("an unknown class", {"class_id": "0123456789abcdef"}, 404, "no class"),
    ("a forged class id", {"class_id": "../etc"}, 422, "class_id"),
    ("a forged pseudonym format", {"pseudonym": "alice@school.nl"}, 422, "pseudonym"),
    ("a pseudonym that never joined", {"pseudonym": "x" * 43}, 409, "not joined"),
    ("a period that has not closed", {"period": "2026-11-25"}, 425, "not closed"),
    ("a period long past", {"period": "2026-11-20"}, 409, "over"),
    ("a week id in a day class", {"period": "2026-W48"}, 422, "not a day id"),
    ("a malformed period", {"period": "yesterday"}, 422, "period"),
]


@pytest.mark.parametrize(("what", "change", "status", "words"), REFUSED,
                         ids=[case[0] for case in REFUSED])
async def test_submission_refused_changes_nothing(client, made_class, agg_config, what,
                                                  change, status, words):
    (name,) = await joined(client, made_class, 1)
    assert (await client.post("/api/v1/submissions", json=body(made_class, name))).status == 200
    before = sums(agg_config)
    wrong = body(made_class, name)
    if change is not None:
        wrong = {**wrong, **change}
        wrong = {key: value for key, value in wrong.items() if value is not None}
    reply = await client.post("/api/v1/submissions", json=wrong)
    answer = await reply.json()
    assert reply.status == status, answer
    assert words in answer["error"]["message"]
    assert sums(agg_config) == before


async def test_submissions_sent_together_each_get_their_own_answer(client, made_class,
                                                                     agg_config):
    names = await joined(client, made_class, 3)
    bodies = [body(made_class, names[0]), body(made_class, names[1], prompts=99),
              body(made_class, names[1]), body(made_class, names[2]),
              body(made_class, names[0])]
    replies = await asyncio.gather(*(client.post("/api/v1/submissions", json=b)
                                     for b in bodies))
    statuses = [reply.status for reply in replies]
    assert statuses[1] == 422  # above the bound: refused alone
    assert sorted(statuses[i] for i in (0, 4)) == [200, 409]  # the same pseudonym twice
    assert statuses[2] == statuses[3] == 200
    assert sums(agg_config) == [(made_class["class_id"], YESTERDAY, 9, 3, 3)]


@pytest.mark.parametrize(("data", "headers", "status"), [
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"[1, 2]", {"Content-Type": "application/json"}, 422),
    (b'{"a": 1}', {"Content-Type": "text/plain"}, 415),
    (b'{"a": "' + b"x" * 5000 + b'"}', {"Content-Type": "application/json"}, 413),
], ids=["not json", "not an object", "not declared json", "too large"])
async def test_malformed_body_refused_with_one_error_shape(client, agg_config, data, headers,
                                                           status):
    reply = await client.post("/api/v1/submissions", data=data, headers=headers)
    answer = await reply.json()
    assert reply.status == status
    assert set(answer) == {"error"} and set(answer["error"]) == {"message", "field"}
    assert sums(agg_config) == []


async def test_join_refuses_wrong_expired_codes_and_a_full_class(client, made_class,
                                                                 agg_config):
    wrong = await client.post("/api/v1/join", json={"code": "AAAAA-AAAAA",
                                                    "pseudonym": pseudonym()})
    assert wrong.status == 404 and "does not exist" in (await wrong.json())["error"]["message"]
    await joined(client, made_class, 8)
    full = await client.post("/api/v1/join", json={"code": made_class["join_code"],
                                                   "pseudonym": pseudonym()})
    assert full.status == 409 and "full" in (await full.json())["error"]["message"]
    agg_config.test_clock_file.write_text((NOW + timedelta(days=15)).isoformat())
    expired = await client.post("/api/v1/join", json={"code": made_class["join_code"],
                                                      "pseudonym": pseudonym()})
    assert expired.status == 410 and "expired" in (await expired.json())["error"]["message"]


async def release_report(client, made_class, agg_config) -> dict:
    agg_config.test_clock_file.write_text(AFTER_WINDOW.isoformat())
    reply = await client.get(f"/api/v1/classes/{made_class['class_id']}/report",
                             headers={"Authorization": f"Bearer {made_class['teacher_key']}"})
    assert reply.status == 200
    return await reply.json()


async def test_release_needs_k_students(client, made_class, agg_config):
    for name in await joined(client, made_class, MIN_K - 1):
        await client.post("/api/v1/submissions", json=body(made_class, name))
    report = await release_report(client, made_class, agg_config)
    assert report["periods"] == [{"period": YESTERDAY, "status": "not_enough"}]
    assert sums(agg_config) == []  # the exact sums are gone


async def test_release_is_noisy_banded_once_and_final(client, made_class, agg_config):
    names = await joined(client, made_class, 6)
    for name in names[:5]:
        await client.post("/api/v1/submissions", json=body(made_class, name, 10, 2))
    report = await release_report(client, made_class, agg_config)
    (period,) = report["periods"]
    assert period["status"] == "released" and period["participants"] == "5-9"
    scale = periods.RULES["day"].clip_prompts / 0.5  # epsilon 1, half for the prompts
    assert abs(period["prompts_noisy"]["raw"] - 50) <= error_bar(scale, 1e-9)
    assert period["prompts_noisy"]["low"] <= period["prompts_noisy"]["value"]
    assert set(period["noise_range"]) == {"energy_wh", "co2_g", "water_ml"}
    late = await client.post("/api/v1/submissions", json=body(made_class, names[5]))
    assert late.status == 409 and "over" in (await late.json())["error"]["message"]
    assert await release_report(client, made_class, agg_config) == report


async def test_report_needs_the_teacher_key(client, made_class):
    path = f"/api/v1/classes/{made_class['class_id']}/report"
    assert (await client.get(path)).status == 401
    wrong = await client.get(path, headers={"Authorization": "Bearer not-the-key"})
    assert wrong.status == 401
    unknown = await client.get("/api/v1/classes/0123456789abcdef/report",
                               headers={"Authorization": f"Bearer {made_class['teacher_key']}"})
    assert unknown.status == 404


@pytest.mark.parametrize("accept, lang", [("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("en-US,en", "en"),
                                          ("de-DE,nl;q=0.5", "nl"), ("fr-FR", "en")])
async def test_teacher_page_follows_the_browsers_language(client, accept, lang):
    reply = await client.get("/teacher", headers={"Accept-Language": accept})
    assert f'<html lang="{lang}">' in await reply.text()


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_teacher_page_speaks_both_languages(client, lang):
    reply = await client.get(f"/teacher?lang={lang}")
    page = await reply.text()
    assert reply.status == 200 and f'<html lang="{lang}">' in page
    assert ("Docentsleutel" if lang == "nl" else "Teacher key") in page
    assert reply.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("change", "field"), [
    ({"k": 4}, "k"), ({"epsilon": 0}, "epsilon"), ({"max_students": 3}, "max_students"),
    ({"clip_prompts": 101}, "clip_prompts"), ({"period_kind": "month"}, "period"),
    ({"name": " "}, "name"),
])
def test_class_settings_refuse_weaker_privacy(change, field):
    with pytest.raises(InvalidInput) as refused:
        replace(ClassSettings("3B", "day"), **change).checked()
    assert refused.value.field == field


def test_noise_comes_from_opendp_at_the_documented_scale():
    noisy = add_noise(100, 10, clip_prompts=700, clip_images=200, epsilon=1.0)
    assert (noisy.scale_prompts, noisy.scale_images) == (1400, 400)
    draws = [add_noise(0, 0, 20, 5, 2.0).prompts for _ in range(400)]
    assert len(set(draws)) > 20  # noise, not a constant
    assert sum(abs(d) for d in draws) / len(draws) == pytest.approx(20, rel=0.25)  # E|X| ~ b


def test_participants_shown_only_as_bands():
    assert [participant_band(n) for n in (5, 9, 10, 19, 20, 300)] == [
        "5-9", "5-9", "10-19", "10-19", "20+", "20+"]


def test_periods_week_and_day_ids():
    assert periods.period_days("week", "2026-W48")[0].isoformat() == "2026-11-23"
    assert periods.closes_at("day", "2026-11-24") == datetime(2026, 11, 25)
    assert periods.periods_in_window("day", NOW) == [YESTERDAY]
    assert periods.periods_in_window("week", datetime(2026, 11, 24, 9)) == ["2026-W47"]


def test_migrations_empty_twice_and_future(tmp_path):
    db = open_database(tmp_path / "a.db")
    assert migrate(db, "the aggregator database", MIGRATIONS) == 0  # already at the latest
    db.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(DatabaseError, match="newer"):
        migrate(db, "the aggregator database", MIGRATIONS)


def test_aggregator_cli_creates_a_class_and_reports(tmp_path, class_db):
    home = tmp_path / "aggregator"
    made = create_class(home, *class_db.options, "--name", "3B", "--period", "week", "--k", "6")
    done = run_cli("aggregator", "report", "--home", str(home), *class_db.options, "--class",
                   made["class_id"], "--teacher-key", made["teacher_key"], "--lang", "nl")
    assert done.returncode == 0 and "Er is nog geen periode vrijgegeven." in done.stdout
    assert "over 5 schooldagen: 10,5 kWh" in done.stdout  # 5 x the 2,102.5 Wh class day
    wrong = run_cli("aggregator", "report", "--home", str(home), *class_db.options,
                    "--class", made["class_id"], "--teacher-key", "nope")
    assert wrong.returncode == 1 and "teacher key" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    weak = run_cli("aggregator", "create-class", "--home", str(home), "--name", "x", "--k", "2")
    assert weak.returncode == 1 and "at least 5" in weak.stderr


def test_server_logs_no_client_address(tmp_path):
    server = start_aggregator(tmp_path / "aggregator")
    try:
        import urllib.request

        urllib.request.urlopen(f"{server.url}/api/v1/health", timeout=5).read()
        request = urllib.request.Request(
            f"{server.url}/api/v1/join", data=json.dumps({"code": "x"}).encode(),
            headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
    finally:
        errors = server.stop()
    assert "127.0.0.1" not in errors
    for path in (tmp_path / "aggregator").rglob("*"):
        if path.is_file():
            assert b"127.0.0.1" not in path.read_bytes(), path


def post_json(url: str, body: dict) -> dict:
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def test_teacher_page_shows_released_periods_in_chromium(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    clock = tmp_path / "clock"
    clock.write_text(datetime.now().isoformat(timespec="seconds"))
    server = start_aggregator(tmp_path / "aggregator", clock)
    try:
        made = create_class(server.home, "--name", "3B", "--period", "day")
        yesterday = (datetime.now() - timedelta(days=1)).date().isoformat()
        for _ in range(6):
            name = pseudonym()
            post_json(f"{server.url}/api/v1/join", {"code": made["join_code"],
                                                    "pseudonym": name})
            post_json(f"{server.url}/api/v1/submissions", {
                "class_id": made["class_id"], "period": yesterday, "pseudonym": name,
                "prompts": 20, "images": 4})
        clock.write_text((datetime.now() + timedelta(days=1, hours=1)).isoformat())
        errors = []
        with playwright_api.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{server.url}/teacher?lang=nl")
            page.fill("input[name=class_id]", made["class_id"])
            page.fill("input[name=teacher_key]", "wrong")
            page.click("button[type=submit]")
            page.get_by_text("The teacher key does not fit this class.").wait_for()
            page.fill("input[name=teacher_key]", made["teacher_key"])
            page.click("button[type=submit]")
            row = page.locator("#report tbody tr")
            row.wait_for()
            cells = row.locator("td").all_inner_texts()
            assert cells[0] == yesterday and cells[1] == "5-9"
            assert "Wh" in cells[4] and "–" in cells[4]  # a value with its error bar
            assert "hypothetische klas" in page.locator("#compare").inner_text()
            assert made["teacher_key"] not in page.url
            browser.close()
        assert errors == []
    finally:
        server.stop()


def test_aggregator_cli_release_releases_once(tmp_path, agg_config, made_class, class_db):
    store = open_store(agg_config)
    for _ in range(5):
        name = pseudonym()
        store.join(made_class["join_code"], name, NOW)
        store.submit(body(made_class, name), NOW)
    store.close()
    clock = tmp_path / "after"
    clock.write_text(AFTER_WINDOW.isoformat())
    where = ("--home", str(agg_config.home), *class_db.options)
    first = run_cli("aggregator", "release", *where, "--lang", "en", clock=clock)
    again = run_cli("aggregator", "release", *where, "--lang", "en", clock=clock)
    assert (first.stdout, again.stdout) == ("Released 1 period.\n", "Released 0 periods.\n")
    shown = run_cli("aggregator", "report", *where, "--class", made_class["class_id"],
                    "--teacher-key", made_class["teacher_key"], "--lang", "en", clock=clock)
    assert f"{YESTERDAY}: 5-9 students" in shown.stdout and "95 %" in shown.stdout


async def test_health_and_readiness_for_a_load_balancer(client, made_class):
    assert (await client.get("/api/v1/health")).status == 200
    reply = await client.get("/api/v1/ready")
    assert reply.status == 200
    assert await reply.json() == {"status": "ready", "classes": 1}
