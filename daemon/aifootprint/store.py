"""The SQLite store: events in, counts out. All SQL outside migrations lives here.

`Store` is synchronous, one connection, used by one thread at a time: the CLI uses it
directly; the daemon uses it through `AsyncStore`, which runs every write on ONE writer
thread (short BEGIN IMMEDIATE transactions) and reads on a small pool of reader threads
with their own connections (WAL lets readers run beside the writer), so sqlite3 never
blocks the event loop.

Durability: WAL with synchronous=FULL, so a transaction is on disk when COMMIT returns;
the API answers 200 only after that, hence "acknowledged" means "committed".
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from .errors import Busy, DatabaseError
from .footprint import Counts
from .migrations import check_version, migrate

T = TypeVar("T")

EVENT_COLUMNS = (
    "id", "ts", "local_date", "site", "kind", "count", "model", "label", "regenerated",
    "received_at",
)
# ON CONFLICT (id) DO NOTHING skips duplicates only; OR IGNORE would also drop rows that
# break a CHECK, silently, where the whole batch must fail instead.
INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in EVENT_COLUMNS)}) ON CONFLICT (id) DO NOTHING"
)
BUSY_TIMEOUT_MS = 5000


def connect(path: Path) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate; a database from the future is not touched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        check_version(db, path)  # before WAL: switching journal mode writes the header
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(db, path)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseError(f"The database {path} cannot be used: {error}.") from None
    except DatabaseError:
        conn.close()
        raise
    return db


class Store:
    """Events, counts and settings in one SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        self.db = connect(path)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- writing

    def add_events(self, rows: list[dict]) -> tuple[int, int]:
        """Store rows (events.event_row); returns (accepted, duplicates). One transaction."""
        with self.transaction() as conn:
            accepted = conn.executemany(INSERT_EVENT, rows).rowcount if rows else 0
        return accepted, len(rows) - accepted

    def forget(self, before: date | None = None) -> int:
        """Delete every event (before=None) or those of local days before `before`."""
        with self.transaction() as conn:
            if before is None:
                removed = conn.execute("DELETE FROM events").rowcount
                conn.execute("DELETE FROM daily_counts")
            else:
                removed = conn.execute(
                    "DELETE FROM events WHERE local_date < ?", [before.isoformat()]
                ).rowcount
        return removed

    def put_settings(self, values: dict) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(key, json.dumps(value)) for key, value in values.items()],
            )

    # -- reading (aggregation happens in SQL over daily_counts, kept by triggers)

    def counts_for_day(self, day: date) -> Counts:
        return self.counts_between(day, day)

    def counts_between(self, first: date, last: date) -> Counts:
        rows = self.db.execute(
            "SELECT kind, SUM(count) FROM daily_counts WHERE local_date BETWEEN ? AND ? "
            "GROUP BY kind", [first.isoformat(), last.isoformat()],
        ).fetchall()
        return _counts(rows)

    def counts_by_site(self, first: date, last: date) -> list[tuple[str, Counts]]:
        return self._counts_by("site", first, last)

    def counts_by_label(self, first: date, last: date) -> list[tuple[str, Counts]]:
        """Per activity label; events without a label are grouped under ''."""
        return self._counts_by("label", first, last)

    def _counts_by(self, column: str, first: date, last: date) -> list[tuple[str, Counts]]:
        assert column in ("site", "label")  # a column name, never user input
        rows = self.db.execute(
            f"SELECT {column}, kind, SUM(count) FROM daily_counts "
            f"WHERE local_date BETWEEN ? AND ? GROUP BY {column}, kind ORDER BY {column}",
            [first.isoformat(), last.isoformat()],
        ).fetchall()
        grouped: dict[str, list] = {}
        for name, kind, total in rows:
            grouped.setdefault(name, []).append((kind, total))
        return [(name, _counts(kinds)) for name, kinds in grouped.items()]

    def days(self, first: date, last: date) -> dict[str, dict]:
        """Per local day with any events: {date: {"total", "sites", "labels"}} of Counts."""
        rows = self.db.execute(
            "SELECT local_date, site, label, kind, SUM(count) FROM daily_counts "
            "WHERE local_date BETWEEN ? AND ? GROUP BY local_date, site, label, kind",
            [first.isoformat(), last.isoformat()],
        ).fetchall()
        days: dict[str, dict] = {}
        for day, site, label, kind, total in rows:
            entry = days.setdefault(day, {"total": Counts(), "sites": {}, "labels": {}})
            counts = _counts([(kind, total)])
            entry["total"] += counts
            entry["sites"][site] = entry["sites"].get(site, Counts()) + counts
            entry["labels"][label] = entry["labels"].get(label, Counts()) + counts
        return days

    def event_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def export_events(self) -> Iterator[dict]:
        """Every stored event as a dict of EVENT_COLUMNS, oldest local day first."""
        cursor = self.db.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY local_date, ts, id"
        )
        for row in cursor:
            event = dict(zip(EVENT_COLUMNS, row, strict=True))
            event["regenerated"] = bool(event["regenerated"])
            yield event

    def get_settings(self) -> dict:
        rows = self.db.execute("SELECT key, value FROM settings").fetchall()
        return {key: json.loads(value) for key, value in rows}


def _counts(rows: Iterable[tuple[str, int]]) -> Counts:
    totals = dict(rows)
    return Counts(prompts=totals.get("prompt", 0) or 0, images=totals.get("image", 0) or 0)


class AsyncStore:
    """The daemon's access to the Store: one writer thread, a few reader threads.

    Writes waiting beyond MAX_PENDING_WRITES are refused with Busy (503) so a flood of
    requests gets a quick answer to retry instead of an ever-growing queue.
    """

    MAX_PENDING_WRITES = 256
    READERS = 2

    def __init__(self, path: Path):
        self.path = path
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()
        self._local = threading.local()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._readers = ThreadPoolExecutor(self.READERS, thread_name_prefix="store-reader")
        self._pending_writes = 0

    async def open(self) -> None:
        """Create and migrate the database on the writer thread (raises DatabaseError)."""
        await self.write(lambda store: None)

    def _thread_store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.path)
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _call(self, function: Callable[..., T], args: tuple) -> T:
        return function(self._thread_store(), *args)

    async def write(self, function: Callable[..., T], *args) -> T:
        if self._pending_writes >= self.MAX_PENDING_WRITES:
            raise Busy("The daemon is busy storing other events; try again in a moment.")
        self._pending_writes += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._writer, self._call, function, args)
        finally:
            self._pending_writes -= 1

    async def read(self, function: Callable[..., T], *args) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._call, function, args)

    def close(self) -> None:
        """Finish queued work, then close every thread's connection."""
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._stores_lock:
            for store in self._stores:
                store.close()
            self._stores.clear()


def add_events_unless_paused(store: Store, rows: list[dict]) -> dict:
    """What POST /events answers: nothing is stored while the user has paused counting."""
    if store.get_settings().get("paused"):
        return {"accepted": 0, "duplicates": 0, "paused": True}
    accepted, duplicates = store.add_events(rows)
    return {"accepted": accepted, "duplicates": duplicates}
