"""Rolling backups of the events database: one a day, the last KEEP days, and restoring one.

Backups live in `data/backups/` (0700, in the 0700 data folder), one file a local day,
`footprint-YYYY-MM-DD.db` (0600), each a complete SQLite database made with SQLite's
backup API (core/database.py `backup`). They are what `aifootprint restore` offers, and
what tells the daemon at start that an empty database has lost data (integrity.py).
Forgetting events deletes the backups too, and the databases a restore replaced: they
would still hold what was forgotten.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ...core import database

KEEP = 7
NAME = re.compile(r"^footprint-(\d{4}-\d{2}-\d{2})\.db$")
# A database's companions, moved aside together with it on a restore (a -wal belongs to
# its database: beside another one it would be ignored, or worse).
COMPANIONS = ("", "-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    path: Path
    day: date
    events: int | None  # None: the file cannot be read as a database

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def folder_of(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backups(db_path: Path) -> list[Backup]:
    """The backups of the database at db_path, newest first."""
    folder = folder_of(db_path)
    if not folder.is_dir():
        return []
    found = [(date.fromisoformat(match[1]), path) for path in folder.iterdir()
             if (match := NAME.match(path.name))]
    return [Backup(path, day, event_count(path)) for day, path in sorted(found, reverse=True)]


def event_count(path: Path) -> int | None:
    """How many events the database file holds (read-only), None if it cannot be read."""
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def take_daily_backup(db_path: Path, today: date, keep: int = KEEP) -> Path | None:
    """Today's backup, unless there is one already; then only the newest `keep` stay.
    Returns the new backup's path, or None if today's existed."""
    folder = folder_of(db_path)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"footprint-{today.isoformat()}.db"
    if target.exists():
        return None
    database.backup(db_path, target)
    for old in backups(db_path)[keep:]:
        old.path.unlink(missing_ok=True)
    return target


def forget_backups(db_path: Path) -> None:
    """Delete every backup, and every database a restore replaced (after events were
    forgotten: no copy may keep them)."""
    for backup in backups(db_path):
        backup.path.unlink(missing_ok=True)
    for replaced in db_path.parent.glob(f"{db_path.name}.replaced-*"):
        replaced.unlink(missing_ok=True)


def put_back(backup: Backup, db_path: Path, now: datetime) -> Path | None:
    """Put `backup` in the database's place; the database it replaces (with its -wal and
    -shm) is kept beside it as footprint.db.replaced-<time>. Returns that kept path, or
    None if there was no database to replace.

    The caller holds the instance lock: no daemon or command has the database open. The
    copy is made first, so a full disk stops the restore before anything is moved.
    """
    kept = db_path.with_name(f"{db_path.name}.replaced-{now:%Y%m%d-%H%M%S}")
    staged = db_path.with_name(f"{db_path.name}.restoring")
    database.backup(backup.path, staged)
    replaced = db_path.exists()
    for suffix in COMPANIONS:
        current = Path(f"{db_path}{suffix}")
        if current.exists():
            current.replace(Path(f"{kept}{suffix}"))
    staged.replace(db_path)
    _sync_folder(db_path.parent)
    return kept if replaced else None


def _sync_folder(folder: Path) -> None:
    """The renames themselves on disk (POSIX; Windows cannot open a folder)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
