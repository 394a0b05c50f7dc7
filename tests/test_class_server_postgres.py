"""Several class servers on one real PostgreSQL: what one server guarantees, all of them do.

Two real `aggregator serve` processes share a database (and the key file, as two machines
would); store processes started together at a barrier race each other to submit the same
pseudonyms and to release the same periods, and to let students in while the teacher
lowers the seats or starts the class again. Every other rule runs on both backends in
tests/test_aggregator.py and tests/test_classroom.py (the class_db fixture).
"""

from __future__ import annotations

import asyncio
import random
import secrets
import shutil
from collections import Counter
from dataclasses import replace

import aiohttp
import psycopg
import pytest

from aggregator_process import ClassDatabase, create_class, run_cli, start_aggregator
from aifootprint.aggregator.app import create_app
from aifootprint.aggregator.config import load_aggregator_config
from aifootprint.aggregator.migrations import LATEST, MIGRATIONS
from aifootprint.aggregator.store import AggregatorStore, ClassSettings, open_database
from aifootprint.core.errors import ConfigError, DatabaseError
from aifootprint.model.class_precision import energy_weights
from aifootprint.model.factors import load_factors
from store_race import (
    AFTER_WINDOW,
    NOW,
    SECRET,
    Racers,
    exact,
    join_all,
    release_all,
    reset_all,
    set_seats,
    submit_all,
)
from test_classroom import assert_files_hold_no_pseudonym_or_address

YESTERDAY = "2026-11-24"
PROCESSES = 4
WEIGHTS = energy_weights(load_factors())  # 40, 85, 4150 tenths of a Wh
ONE_EACH = (40 + 85) / 10  # the Wh of a submission of one prompt and one image


def submission(made: dict, pseudonym: str, prompts: int = 1, images: int = 1,
               videos: int = 0) -> dict:
    return {"class_id": made["class_id"], "period": YESTERDAY, "pseudonym": pseudonym,
            "prompts": prompts, "images": images, "videos": videos}


@pytest.fixture(scope="module")
def racers():
    running = Racers(PROCESSES)
    yield running
    running.close()


@pytest.fixture
def dsn(postgres):
    return postgres.new_schema()


def made_classes(dsn: str, count: int, students: int) -> list[tuple[dict, list[str]]]:
    store = AggregatorStore(open_database(dsn), SECRET)
    made = []
    for number in range(count):
        klass = store.create_class(ClassSettings(f"klas {number}", "day", max_students=40),
                                   WEIGHTS, NOW)
        names = [secrets.token_urlsafe(32) for _ in range(students)]
        for name in names:
            store.join(klass["join_code"], name, NOW)
        made.append((klass, names))
    store.close()
    return made


def table(dsn: str, sql: str) -> list[dict]:
    db = open_database(dsn)
    try:
        return db.rows(sql)
    finally:
        db.close()


def test_processes_racing_count_each_pseudonym_once_and_release_each_period_once(dsn,
                                                                                 racers):
    ((klass, names),) = made_classes(dsn, 1, 40)
    bodies = [submission(klass, name) for name in names]
    # Every process sends every student's submission, each in its own order.
    orders = [random.sample(bodies, len(bodies)) for _ in range(PROCESSES)]
    accepted = racers.race([(submit_all, dsn, order) for order in orders])
    # Each pseudonym once, whichever process won it.
    assert sum(accepted, Counter()) == {klass["class_id"]: 40}
    assert table(dsn, "SELECT prompts, images, videos, energy, participants FROM sums") == [
        {"prompts": 40, "images": 40, "videos": 0, "energy": 40 * 125, "participants": 40}]

    released = racers.race([(release_all, dsn, 3)] * PROCESSES)
    assert sum(released) == 1
    (release,) = table(dsn, "SELECT status, energy_wh, band FROM releases")
    assert release == {"status": "released", "energy_wh": 40 * ONE_EACH, "band": "20+"}
    assert table(dsn, "SELECT * FROM sums") == table(dsn, "SELECT * FROM submitted") == []


def test_a_release_racing_late_submissions_leaves_no_exact_sum_and_loses_none(dsn, racers):
    """Submitters whose clock still says the window is open race a releaser whose clock
    says it has ended: a submission is either in the one release or refused."""
    classes = made_classes(dsn, 6, 12)
    bodies = random.sample([submission(klass, name) for klass, names in classes
                            for name in names], 6 * 12)
    half = len(bodies) // 2
    work = [(submit_all, dsn, bodies[:half]), (submit_all, dsn, bodies[half:]),
            (release_all, dsn, 40), (release_all, dsn, 40)]
    *submitted, _, _ = racers.race(work)
    # What was accepted after the releasers' last round is released now.
    racers.race([(release_all, dsn, 1)])
    accepted = sum(submitted, Counter())
    releases = {row.pop("class_id"): row for row in table(
        dsn, "SELECT class_id, status, energy_wh FROM releases")}
    assert table(dsn, "SELECT * FROM sums") == table(dsn, "SELECT * FROM submitted") == []
    for klass, _ in classes:  # one release each, holding every accepted submission
        count = accepted[klass["class_id"]]
        wanted = ({"status": "released", "energy_wh": count * ONE_EACH} if count >= 5
                  else {"status": "not_enough", "energy_wh": None})
        assert releases.get(klass["class_id"]) == wanted, (count, releases)


def test_seats_hold_while_processes_join_and_the_teacher_lowers_them(dsn, racers):
    """Three processes let students in while the teacher, in a fourth, lowers the seats
    step by step: a lower number is taken only while the members still fit, and no join
    passes the seats of its moment, so the members never outnumber the seats."""
    seats = [36, 32, 28, 24, 20, 18, 16, 14, 12, 10, 8, 6, 5]
    for klass, _ in made_classes(dsn, 4, 0):  # four races: the moment differs each time
        names = [secrets.token_urlsafe(32) for _ in range(60)]
        *joined, accepted = racers.race([
            *((join_all, dsn, klass["join_code"], names[n::3]) for n in range(3)),
            (set_seats, dsn, klass["class_id"], klass["teacher_key"], seats)])
        (row,) = table(dsn, "SELECT max_students, (SELECT COUNT(*) FROM members "
                            f"WHERE class_id = '{klass['class_id']}') AS members "
                            f"FROM classes WHERE id = '{klass['class_id']}'")
        assert row["members"] == sum(len(names) for names in joined) <= row["max_students"]
        assert row["max_students"] == (accepted[-1] if accepted else 40), (accepted, row)


def test_a_reset_racing_submissions_and_joins_leaves_nothing_of_the_old_members(dsn,
                                                                                racers):
    """Teachers start their classes again while the members' submissions arrive and new
    students join with an old code: whatever came before a class's reset is deleted with
    it, whatever comes after is refused (not a member, or an unknown code)."""
    classes = made_classes(dsn, 6, 12)
    bodies = random.sample([submission(klass, name) for klass, names in classes
                            for name in names], 6 * 12)
    late = [secrets.token_urlsafe(32) for _ in range(28)]  # 40 seats: room for all
    resets = random.sample([(klass["class_id"], klass["teacher_key"])
                            for klass, _ in classes], 6)
    racers.race([(submit_all, dsn, bodies[::2]), (submit_all, dsn, bodies[1::2]),
                 (join_all, dsn, classes[0][0]["join_code"], late),
                 (reset_all, dsn, resets)])
    for name in ("sums", "submitted", "members"):
        assert table(dsn, f"SELECT * FROM {name}") == [], name
    assert table(dsn, "SELECT DISTINCT joining_open FROM classes") == [{"joining_open": 1}]


async def post_all(session, requests: list[tuple[str, dict]]) -> list[int]:
    async def post(url, body):
        async with session.post(url, json=body) as reply:
            return reply.status

    return await asyncio.gather(*(post(url, body) for url, body in requests))


async def test_two_class_servers_share_seats_submissions_and_one_release(tmp_path, postgres):
    database = ClassDatabase(postgres.new_schema())
    clock = tmp_path / "clock"
    clock.write_text(NOW.isoformat())
    homes = [tmp_path / "server-a", tmp_path / "server-b"]
    made = create_class(homes[0], *database.options, "--name", "3B", "--period", "day",
                        "--seats", "20")
    (homes[1] / "data").mkdir(parents=True)
    shutil.copy(homes[0] / "data" / "aggregator.secret", homes[1] / "data")  # one key
    servers = [start_aggregator(home, clock, options=database.options) for home in homes]
    try:
        async with aiohttp.ClientSession() as session:
            names = [secrets.token_urlsafe(32) for _ in range(24)]
            joins = await post_all(session, [
                (f"{servers[n % 2].url}/api/v1/join", {"code": made["join_code"],
                                                       "pseudonym": name})
                for n, name in enumerate(names)])
            assert sorted(joins) == [200] * 20 + [409] * 4  # 20 seats, across both
            members = [name for name, status in zip(names, joins, strict=True)
                       if status == 200]
            # Each student's daemon sends to both servers at the same moment, at the day's
            # bounds: 20 x 165 Wh, released as a number (its margin is about 495 Wh).
            sent = await post_all(session, [
                (f"{server.url}/api/v1/submissions", submission(made, name, 20, 10))
                for name in members for server in servers])
            assert [sorted(sent[i:i + 2]) for i in range(0, 40, 2)] == [[200, 409]] * 20
            assert database.sums(homes[0]) == [
                (made["class_id"], YESTERDAY, 400, 200, 20, 0, 20 * 1650)]

            clock.write_text(AFTER_WINDOW.isoformat())
            key = {"Authorization": f"Bearer {made['teacher_key']}"}
            releases = [run_cli_async("aggregator", "release", "--home", str(home),
                                      *database.options, clock=clock) for home in homes]
            reports = [session.get(f"{server.url}/api/v1/classes/{made['class_id']}/report",
                                   headers=key) for server in servers * 3]
            answers = await asyncio.gather(*(fetch_json(report) for report in reports),
                                           *releases)
        figures = answers[:len(reports)]
        assert all(figure == figures[0] for figure in figures)  # one noise draw, one release
        (period,) = figures[0]["periods"]
        assert period["status"] == "released" and period["participants"] == "20+"
        assert database.sums(homes[0]) == []
    finally:
        errors = [server.stop() for server in servers]
    assert not any("Traceback" in error for error in errors), errors
    # The database's own files, its write-ahead log too, hold no pseudonym either.
    for home in homes:
        assert_files_hold_no_pseudonym_or_address(home, names, tuple(postgres.files()))


async def fetch_json(request) -> dict:
    async with request as reply:
        assert reply.status == 200, await reply.text()
        return await reply.json()


async def run_cli_async(*args, clock) -> str:
    done = await asyncio.to_thread(run_cli, *args, clock=clock)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_migrations_run_once_for_processes_starting_together_and_refuse_the_future(dsn,
                                                                                   racers):
    started = racers.race([(release_all, dsn, 1)] * PROCESSES)  # each opens and migrates
    assert started == [0] * PROCESSES
    assert table(dsn, "SELECT version FROM schema_version") == [{"version": LATEST}]
    db = open_database(dsn)
    db.run("UPDATE schema_version SET version = ?", [len(MIGRATIONS) + 1])
    db.close()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(dsn)


def test_an_unreachable_database_is_one_sentence_without_the_password(tmp_path, postgres):
    wrong = f"postgresql://postgres:hunter2@127.0.0.1:{postgres.port + 1}/postgres"
    done = run_cli("aggregator", "create-class", "--home", str(tmp_path), "--database", wrong,
                   "--name", "3B")
    assert done.returncode == 1 and "cannot reach its database 127.0.0.1" in done.stderr
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    server = run_cli("aggregator", "serve", "--home", str(tmp_path), "--database", wrong)
    assert server.returncode == 1 and "cannot reach its database" in server.stderr
    assert "hunter2" not in server.stderr and "Traceback" not in server.stderr
    with pytest.raises(ConfigError, match="postgresql://"):
        load_aggregator_config(home=tmp_path, database="mysql://x", env={})
    from_env = load_aggregator_config(home=tmp_path, env={
        "AIFOOTPRINT_AGGREGATOR_DATABASE": wrong})
    assert from_env.database == wrong  # the environment names it as the flag would
    assert load_aggregator_config(home=tmp_path, env={}).database == (
        tmp_path / "data" / "aggregator.db")  # and without either: the SQLite file


def test_a_role_without_create_rights_serves_a_migrated_database(dsn, postgres):
    """The least-privilege setup of docs/deploy.md: the owner migrates, the server's role
    may only read and write rows."""
    open_database(dsn).close()  # migrated by the owner
    schema = dsn.rsplit("%3D", 1)[1]
    role = f"server_{schema}"
    postgres.sql(f"CREATE ROLE {role} LOGIN")
    postgres.sql(f"GRANT USAGE ON SCHEMA {schema} TO {role}; "
                 f"GRANT SELECT ON {schema}.schema_version TO {role}; "
                 f"GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.classes, {schema}.members, "
                 f"{schema}.submitted, {schema}.sums, {schema}.releases TO {role}")
    served = dsn.replace("postgres@", f"{role}@", 1)
    store = AggregatorStore(open_database(served), SECRET)
    made = store.create_class(ClassSettings("3B", "day"), WEIGHTS, NOW)
    names = [secrets.token_urlsafe(32) for _ in range(5)]
    for name in names:
        store.join(made["join_code"], name, NOW)
        store.submit(submission(made, name), NOW)
    assert [r["status"] for r in store.release_due(AFTER_WINDOW, exact)] == ["released"]
    for change in ("DROP TABLE releases", "CREATE TABLE copied (pseudonym TEXT)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            store.db.run(change)
    store.close()


async def test_a_database_that_drops_the_connections_is_503_then_served_again(
        tmp_path, aiohttp_client, postgres):
    dsn = postgres.new_schema()
    config = replace(load_aggregator_config(home=tmp_path, env={}, database=dsn),
                     release_check_s=3600)
    client = await aiohttp_client(create_app(config))
    assert (await client.get("/api/v1/ready")).status == 200
    postgres.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'")
    statuses = [(await client.get("/api/v1/ready")).status for _ in range(12)]
    # The dropped connection answers "try again" once, and the server reconnects.
    assert 503 in statuses and set(statuses) <= {200, 503} and statuses[-1] == 200, statuses
    made = create_class(tmp_path, "--database", dsn, "--name", "3B")
    reply = await client.post("/api/v1/lookup", json={"code": made["join_code"]})
    assert reply.status == 200 and (await reply.json())["name"] == "3B"
