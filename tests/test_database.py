"""The core's Database against real files: group commit, savepoints, readers, the cap."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from aifootprint.core.database import Database, Options, connect
from aifootprint.core.errors import Busy, DiskFull


def m001_create_notes(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE notes (text TEXT NOT NULL UNIQUE)")


MIGRATIONS = (m001_create_notes,)


def add(conn: sqlite3.Connection, text: str) -> str:
    conn.execute("INSERT INTO notes VALUES (?)", [text])
    return text


def add_then_fail(conn: sqlite3.Connection, text: str) -> None:
    conn.execute("INSERT INTO notes VALUES (?)", [text])
    raise ValueError(f"refused {text}")


def notes(conn: sqlite3.Connection) -> list[str]:
    return [text for (text,) in conn.execute("SELECT text FROM notes ORDER BY text")]


@pytest.fixture(params=[Options(wal=True, readers=2, checkpoints=True, release_memory=True),
                        Options(wal=False)], ids=["wal", "rollback journal"])
async def database(tmp_path, request):
    db = Database(tmp_path / "notes.db", MIGRATIONS, request.param)
    await db.open()
    yield db
    db.close()


async def test_database_writes_together_each_get_their_own_answer(database):
    calls = [database.write(add, "a"), database.write(add_then_fail, "b"),
             database.write(add, "a"), database.write(add, "c")]
    answers = await asyncio.gather(*calls, return_exceptions=True)
    assert answers[0] == "a" and answers[3] == "c"
    assert isinstance(answers[1], ValueError) and "refused b" in str(answers[1])
    assert isinstance(answers[2], sqlite3.IntegrityError)  # "a" twice: the second alone fails
    assert await database.read(notes) == ["a", "c"]  # what failed left nothing behind


def cap_pages(conn: sqlite3.Connection, pages: int) -> None:
    # SQLite itself then answers SQLITE_FULL, as on a full disk (tests/test_disk_trouble.py
    # fills a real one, as root).
    conn.execute(f"PRAGMA max_page_count = {pages}")


async def test_database_a_full_database_acknowledges_only_what_it_stored(database):
    pages = (await database.read(lambda conn: conn.execute("PRAGMA page_count").fetchone()))[0]
    await database.write(cap_pages, pages + 2)
    calls = [database.write(add, "small"), database.write(add, "x" * 100_000),
             database.write(add, "after")]
    answers = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(answers[1], DiskFull) and DiskFull.status == 503
    stored = await database.read(notes)
    assert "x" * 100_000 not in stored
    for text, answer in zip(("small", "after"), (answers[0], answers[2]), strict=True):
        assert (answer == text) == (text in stored)  # a success only for what is stored


async def test_database_reads_see_every_acknowledged_write(database):
    for text in ("x", "y"):
        await database.write(add, text)
        assert text in await database.read(notes)


async def test_database_refuses_writes_beyond_its_cap(tmp_path):
    db = Database(tmp_path / "capped.db", MIGRATIONS, Options(max_pending_writes=0))
    await db.open()
    try:
        with pytest.raises(Busy, match="try again"):
            await db.write(add, "a")
        assert await db.read(notes) == []
    finally:
        db.close()


@pytest.mark.parametrize("options,journal", [(Options(wal=True), "wal"),
                                             (Options(wal=False), "delete")])
def test_database_journal_modes(tmp_path, options, journal):
    conn = connect(tmp_path / "modes.db", MIGRATIONS, options)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == journal
    conn.close()


def test_database_without_wal_zeroes_what_it_deletes(tmp_path):
    conn = connect(tmp_path / "secure.db", MIGRATIONS, Options(wal=False))
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    conn.close()


def test_database_files_are_the_users_alone(tmp_path):
    path = tmp_path / "private.db"
    connect(path, MIGRATIONS, Options()).close()
    assert path.stat().st_mode & 0o077 == 0


def test_database_missing_file_is_not_made_unless_asked(tmp_path):
    with pytest.raises(FileNotFoundError):
        connect(tmp_path / "absent.db", MIGRATIONS, Options(), create=False)
    assert not (tmp_path / "absent.db").exists()
