"""The student's class-sharing state: its SQL and numbered migrations (rules: services/sharing.py).

A file of its own (data_dir/class_sharing.db), not tables in the events database: it
exists only while the student is a member, and leaving closes and deletes it, so the
pseudonym leaves the disk with the file. Tables in the events database would need
secure_delete on every write there and a WAL truncate after leaving, and the pseudonym
would still sit in old WAL frames until then; a file that is deleted whole has nothing
left to scrub. It uses a rollback journal with secure_delete (no -wal file holding old
copies of its pages), deleted beside it on leaving.

Plain sqlite3, like the events store: the daemon does not load sqlite-utils (+21 MB).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ...core import database
from ...core.database import Database, Options, transaction

T = TypeVar("T")

STATE_FILE = "class_sharing.db"
# A few rows, written every few seconds at most: one reader, nothing else to tune.
OPTIONS = Options(wal=False, readers=1)
MEMBERSHIP_COLUMNS = ("class_id", "server", "name", "period_kind", "pseudonym", "first_period",
                      "clip_prompts", "clip_images", "send_delay_max_s", "joined",
                      "clip_videos")


def m001_create_membership_and_periods(db: sqlite3.Connection) -> None:
    # IF NOT EXISTS: files made before there were migrations (user_version 0) already hold
    # exactly these tables; this migration adopts them.
    db.execute("CREATE TABLE IF NOT EXISTS membership (class_id TEXT PRIMARY KEY, "
               "server TEXT, name TEXT, period_kind TEXT, pseudonym TEXT, "
               "first_period TEXT, clip_prompts INTEGER, clip_images INTEGER, "
               "send_delay_max_s INTEGER, joined TEXT)")
    # One row per period the daemon planned to send: when, and how it went.
    db.execute("CREATE TABLE IF NOT EXISTS periods (period TEXT PRIMARY KEY, "
               "send_after TEXT, state TEXT, attempts INTEGER, message TEXT)")


def m002_add_clip_videos(db: sqlite3.Connection) -> None:
    # A membership from before videos were shared sends none until the student rejoins.
    db.execute("ALTER TABLE membership ADD COLUMN clip_videos INTEGER NOT NULL DEFAULT 0")


MIGRATIONS = (m001_create_membership_and_periods, m002_add_clip_videos)


class SharingStore:
    """The state's SQL, over one connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.row_factory = sqlite3.Row

    def membership(self) -> dict | None:
        row = self.conn.execute("SELECT * FROM membership").fetchone()
        return dict(row) if row else None

    def is_member(self, member: dict) -> bool:
        """Whether `member` is still the membership (not left and joined another class)."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM membership WHERE class_id = ? AND pseudonym = ?",
            [member["class_id"], member["pseudonym"]]).fetchone()[0] == 1

    def periods(self) -> list[dict]:
        return [dict(row) for row in self.conn.execute("SELECT * FROM periods ORDER BY period")]

    def done_periods(self) -> set[str]:
        """Periods sent or definitely refused (not to be sent again)."""
        return {row[0] for row in self.conn.execute(
            "SELECT period FROM periods WHERE state != ?", ["waiting"])}

    def period(self, period: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM periods WHERE period = ?", [period]).fetchone()
        return dict(row) if row else None

    # -- writing

    def save_membership(self, row: dict) -> None:
        with transaction(self.conn):
            self.conn.execute(
                f"INSERT INTO membership ({', '.join(MEMBERSHIP_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(MEMBERSHIP_COLUMNS))})",
                [row[column] for column in MEMBERSHIP_COLUMNS])

    def plan_period(self, period: str, send_after: str) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT INTO periods VALUES (?, ?, 'waiting', 0, '')",
                              [period, send_after])

    def update_period(self, period: str, state: str, message: str, attempts: int,
                      send_after: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE periods SET state = ?, message = ?, attempts = ?, "
                              "send_after = ? WHERE period = ?",
                              [state, message, attempts, send_after, period])


def state_database(path: Path) -> Database[SharingStore]:
    """The daemon's access while the student is a member (it creates the file)."""
    return Database(path, MIGRATIONS, OPTIONS, handle=SharingStore)


def read_state(path: Path, function: Callable[..., T], *args) -> T:
    """function(store, *args) on a short connection of its own (the CLI's reads), or
    function(None, *args) when there is no state file: not a member."""
    try:
        conn = database.connect(path, MIGRATIONS, OPTIONS, create=False)
    except FileNotFoundError:
        return function(None, *args)
    try:
        return function(SharingStore(conn), *args)
    finally:
        conn.close()


def delete_state(path: Path) -> bool:
    """Delete the state file and its journal, pseudonym and all; True if there was one.

    Whoever has it open closes it first (the daemon's Database), so nothing is left of it.
    """
    found = path.exists()
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    return found
