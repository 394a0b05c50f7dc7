"""Migrations: an empty database, applying twice, a database from the future; and that
every table of the package is made by a numbered migration."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

import aifootprint
from aifootprint.aggregator import migrations as aggregator_migrations
from aifootprint.aggregator import store as aggregator_store
from aifootprint.aggregator.sql import SQLiteConnection
from aifootprint.core import database
from aifootprint.core.errors import DatabaseError
from aifootprint.core.migrations import migrate, schema_version
from aifootprint.daemon.store import events, sharing
from aifootprint.daemon.store.events import Store, connect
from aifootprint.daemon.store.migrations import LATEST, MIGRATIONS

PACKAGE = Path(aifootprint.__file__).parent


def test_migrations_empty_database_gets_every_table(tmp_path):
    with Store(tmp_path / "new.db") as store:
        db = sqlite_utils.Database(store.conn)
        assert schema_version(store.conn) == LATEST == len(MIGRATIONS)
        assert {"events", "daily_counts", "settings"} <= set(db.table_names())
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db["daily_counts"].pks == ["local_date", "site", "label", "kind"]
        assert [index.name for index in db["events"].indexes] == ["events_id"]


def test_migrations_applying_twice_changes_nothing(tmp_path):
    path = tmp_path / "twice.db"
    connect(path).close()
    conn = connect(path)
    assert migrate(conn, path, MIGRATIONS) == 0
    assert schema_version(conn) == LATEST
    conn.close()


def test_migrations_are_numbered_in_order():
    numbers = [int(m.__name__[1:4]) for m in MIGRATIONS]
    assert numbers == list(range(1, len(MIGRATIONS) + 1))


def test_migrations_database_from_the_future_is_refused_and_untouched(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_new (x)")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version"):
        Store(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "future.db-wal").exists()


def test_migrations_failed_migration_leaves_previous_version(tmp_path):
    def m003_broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    with Store(tmp_path / "broken.db") as store:
        with pytest.raises(RuntimeError):
            migrate(store.conn, "", (*MIGRATIONS, m003_broken))
        assert schema_version(store.conn) == LATEST
        assert "half_done" not in sqlite_utils.Database(store.conn).table_names()


def test_migrations_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot be used"):
        Store(path)


# Every database of the package: the events, the class-sharing state, the class server's.
DATABASES = {
    "events": (MIGRATIONS, events.OPTIONS, None),
    "class sharing": (sharing.MIGRATIONS, sharing.OPTIONS, None),
    "class server": (aggregator_migrations.MIGRATIONS, aggregator_store.OPTIONS,
                     SQLiteConnection),
}


@pytest.mark.parametrize("name", DATABASES)
def test_migrations_of_each_database_empty_twice_and_future(tmp_path, name):
    migrations, options, wrap = DATABASES[name]
    path = tmp_path / "db.db"
    conn = database.connect(path, migrations, options, wrap=wrap)
    assert schema_version(conn) == len(migrations)
    assert migrate(wrap(conn) if wrap else conn, path, migrations) == 0
    conn.execute(f"PRAGMA user_version = {len(migrations) + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version"):
        database.connect(path, migrations, options, wrap=wrap)
    assert path.read_bytes() == before


def test_migrations_adopt_a_class_sharing_file_from_before_migrations(tmp_path):
    path = tmp_path / "class_sharing.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE membership (class_id TEXT PRIMARY KEY, server TEXT, "
                 "name TEXT, period_kind TEXT, pseudonym TEXT, first_period TEXT, "
                 "clip_prompts INTEGER, clip_images INTEGER, send_delay_max_s INTEGER, "
                 "joined TEXT)")
    conn.execute("CREATE TABLE periods (period TEXT PRIMARY KEY, send_after TEXT, "
                 "state TEXT, attempts INTEGER, message TEXT)")
    conn.execute("INSERT INTO membership (class_id, pseudonym) VALUES ('c', 'p')")
    conn.commit()
    conn.close()
    assert sharing.read_state(path, lambda store: store.membership()["pseudonym"]) == "p"
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == len(sharing.MIGRATIONS)


TABLE_MADE = re.compile(r"create\s+(temp\w*\s+)?table|\]\.create\(|create_table\(", re.I)
MIGRATION = re.compile(r"^m\d{3}_\w+$")


def test_migrations_make_every_table_in_the_package():
    """No CREATE TABLE (nor a sqlite-utils create) outside a numbered migration."""
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        functions = [node for node in ast.walk(ast.parse(source))
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        for match in TABLE_MADE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            around = [f for f in functions if f.lineno <= line <= f.end_lineno]
            innermost = max(around, key=lambda f: f.lineno, default=None)
            if innermost is None or not MIGRATION.match(innermost.name):
                outside.append(f"{path.relative_to(PACKAGE)}:{line}")
    assert outside == []


def test_migrations_an_old_database_gets_videos_and_keeps_every_event(tmp_path):
    """m004 rebuilds events for the video kind: every event, its counts and the delete
    trigger survive."""
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:3])
    rows = [(f"id-{n}", "2025-03-01T10:00:00Z", "2025-03-01", "chatgpt.com",
             "image" if n % 3 else "prompt", 1 + n % 4, None, None, 0, "2025-03-01T10:00:00Z")
            for n in range(300)]
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO daily_counts SELECT local_date, site, '', kind, SUM(count) "
                 "FROM events GROUP BY local_date, site, kind")
    before = conn.execute("SELECT kind, SUM(count) FROM events GROUP BY kind").fetchall()
    conn.close()
    with Store(path) as store:
        assert schema_version(store.conn) == LATEST == 4
        assert store.event_count() == 300
        assert store.conn.execute(
            "SELECT kind, SUM(count) FROM events GROUP BY kind").fetchall() == before
        assert [e["id"] for e in store.export_events()] == sorted(r[0] for r in rows)
        store.forget()
        assert store.conn.execute("SELECT COUNT(*) FROM daily_counts").fetchone()[0] == 0
        with pytest.raises(sqlite3.IntegrityError):  # only a video has a length
            store.conn.execute("INSERT INTO events (id, ts, local_date, site, kind, count, "
                               "received_at, seconds) VALUES ('x', 't', 'd', 's', 'image', 1, "
                               "'r', 5)")
