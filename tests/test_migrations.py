"""Migrations: an empty database, applying twice, a database from the future."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from aifootprint.core.errors import DatabaseError
from aifootprint.core.migrations import migrate, schema_version
from aifootprint.daemon.store.events import Store, connect
from aifootprint.daemon.store.migrations import LATEST, MIGRATIONS


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
