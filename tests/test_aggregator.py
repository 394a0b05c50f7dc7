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
from aifootprint.aggregator.privacy import MIN_K, NoisyTotal, add_noise, participant_band
from aifootprint.aggregator.store import (
    AggregatorStore,
    ClassSettings,
    load_secret,
    open_database,
)
from aifootprint.core.errors import DatabaseError, InvalidInput
from aifootprint.core.migrations import migrate
from aifootprint.model import periods
from aifootprint.model.class_precision import energy_weights, half_width, tail_probability
from aifootprint.model.factors import load_factors

NOW = datetime(2026, 11, 25, 10, 0)
YESTERDAY = "2026-11-24"
AFTER_WINDOW = datetime(2026, 11, 26, 0, 1)
WEIGHTS = energy_weights(load_factors())  # 40, 85, 4150 tenths of a Wh
DAY_BOUND = 20 * 40 + 10 * 85  # a day class's default energy bound, tenths of a Wh


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
    made = store.create_class(ClassSettings("3B", "day", max_students=8), WEIGHTS, NOW)
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


def body(made_class, name, prompts=3, images=1, period=YESTERDAY, **videos) -> dict:
    return {"class_id": made_class["class_id"], "period": period, "pseudonym": name,
            "prompts": prompts, "images": images, **videos}


def sums(config) -> list[tuple]:
    return stored_sums(config.database)


async def test_submission_counts_once_into_the_sums(client, made_class, agg_config):
    (name,) = await joined(client, made_class, 1)
    reply = await client.post("/api/v1/submissions", json=body(made_class, name))
    assert reply.status == 200 and await reply.json() == {"accepted": True}
    # prompts, images, participants, videos, energy (tenths of a Wh: 3 x 40 + 85)
    assert sums(agg_config) == [(made_class["class_id"], YESTERDAY, 3, 1, 1, 0, 205)]


async def test_a_students_energy_counts_up_to_the_class_bound(client, made_class, agg_config):
    """Videos count inside the prompt and image bound: a student's energy is capped at it.
    A video (415 Wh) is more than a day's bound (165 Wh), so each of these counts the bound."""
    light, heavy = await joined(client, made_class, 2)
    for name, use in ((light, {"prompts": 1, "images": 0, "videos": 1}),
                      (heavy, {"prompts": 20, "images": 10, "videos": 0})):
        reply = await client.post("/api/v1/submissions", json=body(made_class, name, **use))
        assert reply.status == 200, await reply.text()
    assert sums(agg_config) == [(made_class["class_id"], YESTERDAY, 21, 10, 2, 1,
                                 2 * DAY_BOUND)]


REFUSED = [
    # (what, change to the body, status, words in the message)
    ("duplicate", None, 409, "already submitted"),
    ("prompts above the clip bound", {"prompts": 21}, 422, "between 0 and 20"),
    ("videos above the clip bound", {"videos": 2}, 422, "between 0 and 1"),
    ("videos as text", {"videos": "1"}, 422, "videos"),
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
    assert sums(agg_config) == [(made_class["class_id"], YESTERDAY, 9, 3, 3, 0, 615)]


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
    assert [(p["period"], p["status"]) for p in report["periods"]] == [(YESTERDAY, "not_enough")]
    assert "figures" not in report["periods"][0] and "prompts_noisy" not in report["periods"][0]
    assert sums(agg_config) == []  # the exact sums are gone


async def test_release_is_one_noisy_total_with_its_interval_once_and_final(
        client, agg_config):
    """16 students at the day's bounds: the total (16 x 165 Wh) is 5 interval widths
    above zero, so it is shown (P(too uncertain) = P(noise < -9 scales) < 1e-4)."""
    store = open_store(agg_config)
    made = store.create_class(ClassSettings("4C", "day", max_students=20), WEIGHTS, NOW)
    store.close()
    names = await joined(client, made, 17)
    for name in names[:16]:
        await client.post("/api/v1/submissions", json=body(made, name, 20, 10))
    report = await release_report(client, made, agg_config)
    (period,) = report["periods"]
    assert period["status"] == "released" and period["participants"] == "10-19"
    scale = DAY_BOUND / 1.0  # the whole epsilon of 1 on one sum
    assert period["half_width_wh"] == half_width(scale) / 10 == pytest.approx(494.3)
    assert abs(period["energy_wh"] - 16 * 165) <= half_width(scale, 1e-9) / 10
    energy = period["noise_range"]["energy_wh"]
    assert energy["high"] - energy["low"] == pytest.approx(2 * period["half_width_wh"])
    assert period["co2_g"] > 0 and period["equivalents"]
    assert "prompts" not in period  # counts are not released: the budget went to energy
    late = await client.post("/api/v1/submissions", json=body(made, names[16]))
    assert late.status == 409 and "over" in (await late.json())["error"]["message"]
    assert await release_report(client, made, agg_config) == report
    assert sums(agg_config) == []


def zero_noise(total: int, sensitivity: int, epsilon: float) -> NoisyTotal:
    """The release's rules with the noise left out, so a test can put the total anywhere."""
    scale = sensitivity / epsilon
    return NoisyTotal(total, scale, half_width(scale))


def test_a_total_narrower_than_its_interval_is_too_uncertain_never_a_number(
        agg_config, made_class):
    store = open_store(agg_config)
    for prompts in (20, 20, 20, 20, 19):  # 7,960 tenths of a Wh; the width is 9,886
        name = pseudonym()
        store.join(made_class["join_code"], name, NOW)
        store.submit(body(made_class, name, prompts, 10), NOW)
    (release,) = store.release_due(AFTER_WINDOW, zero_noise)
    store.close()
    assert release["status"] == "too_uncertain" and "energy_wh" not in release
    assert release["half_width_wh"] == half_width(DAY_BOUND) / 10


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
    ({"clip_prompts": 101}, "clip_prompts"), ({"period_kind": "year"}, "period"),
    ({"epsilon": 1.01}, "epsilon"), ({"clip_videos": 6}, "clip_videos"),
    ({"name": " "}, "name"),
])
def test_class_settings_refuse_weaker_privacy(change, field):
    with pytest.raises(InvalidInput) as refused:
        replace(ClassSettings("3B", "day"), **change).checked()
    assert refused.value.field == field


def test_noise_comes_from_opendp_at_the_documented_scale_and_ceiling():
    noisy = add_noise(1000, DAY_BOUND, epsilon=0.5)
    assert noisy.scale == 2 * DAY_BOUND and noisy.half_width == half_width(2 * DAY_BOUND)
    with pytest.raises(ValueError, match="ceiling"):
        add_noise(1000, DAY_BOUND, epsilon=1.5)


def test_the_stated_95_percent_interval_holds_the_truth_95_percent_of_the_time():
    """2,000 real OpenDP draws: the interval's coverage within 4 standard deviations
    (2 %) of the exact 95.0x %; the tail formula is checked against the draws too."""
    scale = 20
    h = half_width(scale)
    assert tail_probability(scale, h) <= 0.05 < tail_probability(scale, h - 1)
    draws = [add_noise(0, scale, 1.0).value for _ in range(2000)]
    inside = sum(abs(d) <= h for d in draws) / len(draws)
    assert abs(inside - (1 - tail_probability(scale, h))) < 4 * (0.05 * 0.95 / 2000) ** 0.5
    assert sum(abs(d) for d in draws) / len(draws) == pytest.approx(scale, rel=0.1)  # E|X|


def test_participants_shown_only_as_bands():
    assert [participant_band(n) for n in (5, 9, 10, 19, 20, 300)] == [
        "5-9", "5-9", "10-19", "10-19", "20+", "20+"]


def test_periods_month_term_week_and_day_ids():
    assert periods.period_of("month", datetime(2026, 12, 31).date()) == "2026-12"
    december = periods.period_days("month", "2026-12")
    assert (december[0].isoformat(), len(december)) == ("2026-12-01", 31)
    assert periods.closes_at("month", "2026-12") == datetime(2027, 1, 1)
    # The dashboard's three terms: August-December, January-March, April-July.
    assert [periods.period_of("term", datetime(2026, m, 1).date()) for m in (1, 3, 4, 7, 8, 12)
            ] == ["2026-T2", "2026-T2", "2026-T3", "2026-T3", "2026-T1", "2026-T1"]
    first = periods.period_days("term", "2026-T1")
    assert (first[0].isoformat(), first[-1].isoformat()) == ("2026-08-01", "2026-12-31")
    assert periods.periods_in_window("term", datetime(2027, 1, 3)) == ["2026-T1"]
    with pytest.raises(InvalidInput, match="not a term id"):
        periods.period_days("term", "2026-T4")
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
    # The week under way is released once its 3-day window after Sunday has ended.
    week_ends = periods.window_ends_at("week", periods.period_of("week", datetime.now().date()))
    waiting = periods.periods_in_window("week", datetime.now())
    due = periods.window_ends_at("week", waiting[0]) if waiting else week_ends
    assert f"Volgende vrijgave op {due:%d-%m-%Y %H:%M}." in done.stdout
    wrong = run_cli("aggregator", "report", "--home", str(home), *class_db.options,
                    "--class", made["class_id"], "--teacher-key", "nope")
    assert wrong.returncode == 1 and "teacher key" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    weak = run_cli("aggregator", "create-class", "--home", str(home), "--name", "x", "--k", "2")
    assert weak.returncode == 1 and "at least 5" in weak.stderr
    spendthrift = run_cli("aggregator", "create-class", "--home", str(home), "--name", "x",
                          "--epsilon", "2")
    assert spendthrift.returncode == 1 and "between 0.05 and 1 per period" in spendthrift.stderr


@pytest.mark.parametrize(("options", "lang", "said"), [
    ((), "en", "Expected margin with 40 students who each make 10 prompts and 5 images "
               "a school day (the report's school use): the class total ±15 % (95 % of the "
               "time; epsilon 1 per month)."),
    (("--max-students", "25"), "nl", "het klastotaal ±24 % (in 95 % van de gevallen; "
                                     "epsilon 1 per maand)."),
    (("--max-students", "12", "--period", "term"), "nl",
     "±50 % (in 95 % van de gevallen; epsilon 1 per periode).\nLet op: dat is ruimer dan "
     "±25 %. Met deze instellingen zijn minstens 24 leerlingen nodig voor ±25 %"),
    (("--max-students", "30", "--epsilon", "0.5"), "en",
     "±40 % (95 % of the time; epsilon 0.5 per month).\nWarning: that is wider than ±25 %. "
     "These settings need at least 48 students"),
])
def test_create_class_previews_the_expected_interval(tmp_path, options, lang, said):
    done = in_process("aggregator", "create-class", "--home", str(tmp_path), "--name", "3B",
                      "--lang", lang, "--qr-dir", str(tmp_path / "qr"), *options)
    assert done.exit_code == 0 and said in done.output, done.output


def in_process(*args: str):
    """The real CLI without a process of its own (the commands above start one each)."""
    from click.testing import CliRunner

    from aifootprint.cli import main

    return CliRunner().invoke(main, list(args))


def test_create_class_preview_alone_makes_no_class(tmp_path):
    done = in_process("aggregator", "create-class", "--home", str(tmp_path), "--name", "3B",
                      "--max-students", "25", "--preview", "--lang", "en")
    assert done.exit_code == 0 and done.output.startswith("Expected margin with 25 students")
    assert "Join code" not in done.output and not (tmp_path / "data").exists()

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
    # Named by its label, as on the teacher page.
    assert "Tue 24 Nov: 5-9 students" in shown.stdout and "95 %" in shown.stdout


async def test_health_and_readiness_for_a_load_balancer(client, made_class):
    assert (await client.get("/api/v1/health")).status == 200
    reply = await client.get("/api/v1/ready")
    assert reply.status == 200
    assert await reply.json() == {"status": "ready", "classes": 1}


def database_at_version(database, version: int):
    """A connection to a database of either backend made by the first `version` migrations
    only, as an older release left it."""
    from aifootprint.aggregator.config import is_postgres

    if is_postgres(database):
        from aifootprint.aggregator.postgres import connect as connect_postgres

        return connect_postgres(database, MIGRATIONS[:version])
    from aifootprint.aggregator.sql import SQLiteConnection
    from aifootprint.aggregator.store import OPTIONS
    from aifootprint.core.database import connect

    return SQLiteConnection(connect(database, MIGRATIONS[:version], OPTIONS,
                                    wrap=SQLiteConnection))


def test_a_class_from_before_the_energy_total_is_migrated_and_keeps_working(agg_config):
    """Version 3 held two noisy counts and allowed epsilon up to 10: the class keeps its
    members, its period still collecting is released as one energy total at epsilon 1,
    its old release is shown as it was, and joining is open (migrations 4 and 5)."""
    from aifootprint.aggregator.report import class_report

    db = database_at_version(agg_config.database, 3)
    db.insert("classes", {
        "id": "0123456789abcdef", "name": "old", "period_kind": "day", "max_students": 30,
        "k": 5, "epsilon": 4.0, "clip_prompts": 20, "clip_images": 10, "send_delay_max_s": 0,
        "join_code_hash": "x", "join_expires": NOW.isoformat(), "teacher_key_hash": "y",
        "created": "2026-11-01"})
    db.insert("sums", {"class_id": "0123456789abcdef", "period": YESTERDAY,
                       "prompts": 200, "images": 100, "participants": 16})
    db.insert("releases", {
        "class_id": "0123456789abcdef", "period": "2026-11-20", "status": "released",
        "prompts": 88, "images": -3, "band": "5-9", "epsilon": 4.0, "scale_prompts": 10.0,
        "scale_images": 5.0, "released_at": "2026-11-22T00:01:00", "test_clock": 0})
    db.close()

    store = open_store(agg_config)
    (release,) = store.release_due(AFTER_WINDOW, zero_noise)
    row = store._class("0123456789abcdef")
    report = class_report(load_factors(), row, store.releases(row["id"]), AFTER_WINDOW)
    store.close()
    assert (row["epsilon"], row["clip_videos"]) == (1.0, 0)
    assert row["joining_open"] == 1  # migration 5, after 4: joining open, as before
    assert release["status"] == "released" and release["epsilon"] == 1.0
    assert release["energy_wh"] == (200 * 40 + 100 * 85) / 10  # from its sums, nothing lost
    assert release["half_width_wh"] == half_width(DAY_BOUND) / 10
    old, new = report["periods"]
    assert old == {"period": "2026-11-20", "label": {"nl": "vr 20 nov", "en": "Fri 20 Nov"},
                   "status": "earlier_method", "participants": "5-9",
                   "epsilon": 4.0, "prompts": {"value": 88, "half_width": half_width(10.0)},
                   "images": {"value": 0, "half_width": half_width(5.0)}}
    assert new["energy_wh"] == 1650.0


async def test_lookup_tells_a_student_epsilon_and_the_margin_to_expect(client, made_class):
    reply = await client.post("/api/v1/lookup", json={"code": made_class["join_code"]})
    info = await reply.json()
    assert reply.status == 200 and info["epsilon"] == 1.0 and info["clip_videos"] == 1
    expected = info["expected_precision"]  # 8 seats: far from +-25 %, 24 would reach it
    assert expected["relative_half_width"] == pytest.approx(0.749, abs=0.001)
    assert (expected["within_target"], expected["students_for_target"]) == (False, 24)
