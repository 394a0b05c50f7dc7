"""The SQLite store: events in, counts out. All SQL outside migrations lives here.

`Store` is synchronous, one connection, used by one thread at a time: the CLI uses it
directly; the daemon uses it through `AsyncStore`, which runs every write on ONE writer
thread (short BEGIN IMMEDIATE transactions) and reads on a small pool of reader threads
with their own connections (WAL lets readers run beside the writer), so sqlite3 never
blocks the event loop.

Durability: the API answers 200 only after COMMIT returned, so "acknowledged" means
"committed" (WAL, synchronous=NORMAL: see `connect`).

Plain sqlite3 rather than sqlite-utils: importing sqlite-utils loads numpy, dateutil,
pluggy and click (+23 MB resident, +0.3 s start-up), which alone breaks the daemon's
60 MB idle target, and the store needs none of its helpers: its SQL is hand-written.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import queue
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from ...core.errors import Busy, DatabaseError
from ...core.migrations import check_version, migrate
from ...model.footprint import Counts
from .migrations import LATEST, MIGRATIONS

T = TypeVar("T")

EVENT_COLUMNS = (
    "id", "ts", "local_date", "site", "kind", "count", "model", "label", "regenerated",
    "received_at",
)
INSERT_EVENTS = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
EVENT_MARKS = f"({', '.join('?' for _ in EVENT_COLUMNS)})"
INSERT_CHUNK = 90  # rows per INSERT: 900 values, below the 999 of older SQLite versions
ADD_DAILY_COUNT = (
    "INSERT INTO daily_counts (local_date, site, label, kind, count) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT DO UPDATE SET count = count + excluded.count"
)
ID_CHUNK = 500  # values per SELECT ... IN (...), well below SQLite's variable limit
DAY_CACHE_SIZE = 4000  # days of counts a connection keeps (about 11 years)
BUSY_TIMEOUT_MS = 5000
# The writer leaves checkpoints (copying the WAL into the database file, with fsyncs) to
# a thread of their own; it does one itself only if the WAL passes this many pages (80 MB
# when that thread cannot keep up), and a reset WAL is cut back to WAL_KEEP_BYTES.
WRITER_CHECKPOINT_PAGES = 20000
WAL_KEEP_BYTES = 8 * 1024 * 1024
CHECKPOINT_INTERVAL_S = 0.25
# Once writes pause this long, the writer hands memory back (see release_memory).
# (A 32 MB writer cache, to keep the random-UUID index in memory, added 35 MB at peak
# and no measurable speed in the daemon: not taken.)
RELEASE_AFTER_IDLE_S = 1.0


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate; a database from the future is not touched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        check_version(conn, path, LATEST)  # before WAL: switching journal mode writes the header
        conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every COMMIT: a killed or
        # crashed daemon loses nothing it acknowledged (tested with kill -9); only a
        # power cut could lose the last moments before the OS wrote them out.
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, path, MIGRATIONS)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseError(f"The database {path} cannot be used: {error}.") from None
    except DatabaseError:
        conn.close()
        raise
    return conn


class Store:
    """Events, counts and settings in one SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        self.conn = connect(path)
        self._day_cache: dict[str, tuple[int, dict | None]] = {}  # day -> (version, counts)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing.

        Inside an open transaction (the writer's group commit) it is a SAVEPOINT, so
        one failing batch is rolled back alone.
        """
        conn = self.conn
        begin, commit, rollback = (
            ("SAVEPOINT part", "RELEASE part", "ROLLBACK TO part; RELEASE part")
            if conn.in_transaction else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        )
        conn.execute(begin)
        try:
            yield conn
        except BaseException:
            for statement in rollback.split("; "):
                conn.execute(statement)
            raise
        conn.execute(commit)

    # -- writing

    def add_events(self, rows: list[dict]) -> tuple[int, int]:
        """Store rows (events.event_row); returns (accepted, duplicates). One transaction.

        A duplicate is an event whose id is already stored (or earlier in `rows`), as a
        retry re-sends it. Duplicates are left out; any other problem (a CHECK) raises
        and rolls the whole batch back.
        Looking ids up is race-free: the transaction holds SQLite's write lock.
        """
        with self.transaction() as conn:
            if self._insert_all(rows):
                new = rows
            else:  # a duplicate, or a CHECK failing (which raises again here)
                new = _new_rows(conn, rows)
                _insert_events(conn, new)
            if new:
                conn.executemany(ADD_DAILY_COUNT, _daily_totals(new))
        return len(new), len(rows) - len(new)

    def _insert_all(self, rows: list[dict]) -> bool:
        """Insert every row, or none if any fails (a duplicate, a CHECK).

        Batches rarely hold a duplicate, so trying first saves looking every id up in
        the large id index before inserting it there anyway.
        """
        try:
            with self.transaction() as conn:
                _insert_events(conn, rows)
        except sqlite3.IntegrityError:
            return False
        return True

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

    def counts_between(self, first: date, last: date) -> Counts:
        rows = self.conn.execute(
            "SELECT kind, SUM(count) FROM daily_counts WHERE local_date BETWEEN ? AND ? "
            "GROUP BY kind", [first.isoformat(), last.isoformat()],
        ).fetchall()
        return _counts(rows)

    def days(self, first: date, last: date) -> dict[str, dict]:
        """Per local day with any events: {date: {"total", "sites", "labels", "key"}}.

        total is a Counts, sites and labels map names to Counts, and key is the day's
        counts as one string, for memoising what is computed from them.

        Each day's counts are kept with the day's version (day_versions, bumped by
        triggers on any change); a later call re-reads only the days whose version
        moved, so a dashboard refreshing a year while events arrive reads one day.
        """
        if len(self._day_cache) > DAY_CACHE_SIZE:
            self._day_cache.clear()
        span = [first.isoformat(), last.isoformat()]
        with self._snapshot():
            versions = dict(self.conn.execute(
                "SELECT local_date, version FROM day_versions WHERE local_date BETWEEN ? AND ?",
                span))
            stale = [day for day, version in versions.items()
                     if self._day_cache.get(day, (None,))[0] != version]
            fresh = self._read_days(stale)
        for day in stale:
            self._day_cache[day] = (versions[day], fresh.get(day))
        counted = ((day, self._day_cache[day][1]) for day in sorted(versions))
        return {day: counts for day, counts in counted if counts is not None}

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """A read transaction (one consistent view), unless one is already open."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def _read_days(self, days: list[str]) -> dict[str, dict]:
        """The counts of the given days, from daily_counts (one row per day/site/label/kind)."""
        # Rows are summed as they stream in, as plain [prompts, images] lists: a year can
        # be ~20k rows, and fetching them all first left the daemon's heap 7 MB larger
        # for good (Python's small-object arenas, fragmented by the counts kept).
        sums: dict[str, tuple] = {}
        for start in range(0, len(days), ID_CHUNK):
            chunk = days[start:start + ID_CHUNK]
            rows = self.conn.execute(
                "SELECT local_date, site, label, kind = 'image', count FROM daily_counts "
                f"WHERE local_date IN ({', '.join('?' * len(chunk))})", chunk)
            for day, site, label, is_image, total in rows:
                entry = sums.get(day)
                if entry is None:
                    entry = sums[day] = ([0, 0], {}, {})
                entry[0][is_image] += total
                entry[1].setdefault(site, [0, 0])[is_image] += total
                entry[2].setdefault(label, [0, 0])[is_image] += total
        return {day: _day_counts(*parts) for day, parts in sums.items()}

    def event_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def export_events(self) -> Iterator[dict]:
        """Every stored event as a dict of EVENT_COLUMNS, oldest local day first."""
        cursor = self.conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY local_date, ts, id"
        )
        for row in cursor:
            event = dict(zip(EVENT_COLUMNS, row, strict=True))
            event["regenerated"] = bool(event["regenerated"])
            yield event

    def get_settings(self) -> dict:
        rows = self.conn.execute("SELECT key, value FROM settings").fetchall()
        return {key: json.loads(value) for key, value in rows}


def _new_rows(conn: sqlite3.Connection, rows: list[dict]) -> list[dict]:
    ids = [row["id"] for row in rows]
    seen: set[str] = set()
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        marks = ", ".join("?" * len(chunk))
        found = conn.execute(f"SELECT id FROM events WHERE id IN ({marks})", chunk)
        seen.update(event_id for (event_id,) in found)
    new = []
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            new.append(row)
    return new


def _insert_events(conn: sqlite3.Connection, rows: list[dict]) -> None:
    """A few multi-row INSERTs, not executemany's one step per row.

    sqlite3 lets go of the GIL around every step; in the daemon each time the event
    loop's thread takes it, so a statement per row cost a thread switch per event.
    """
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start:start + INSERT_CHUNK]
        values = [row[column] for row in chunk for column in EVENT_COLUMNS]
        conn.execute(INSERT_EVENTS + ", ".join([EVENT_MARKS] * len(chunk)), values)


def _daily_totals(rows: list[dict]) -> list[tuple]:
    totals: Counter[tuple] = Counter()
    for row in rows:
        totals[row["local_date"], row["site"], row["label"] or "", row["kind"]] += row["count"]
    return [(*key, total) for key, total in totals.items()]


def _day_counts(total: list[int], sites: dict[str, list], labels: dict[str, list]) -> dict:
    """One entry of Store.days, from [prompts, images] sums."""
    return {
        "total": Counts(*total),
        "sites": {name: Counts(*pair) for name, pair in sites.items()},
        "labels": {name: Counts(*pair) for name, pair in labels.items()},
        # Everything a day's summary depends on, as one str: cheap to compare.
        "key": repr((total, sorted(sites.items()), sorted(labels.items()))),
    }


def _counts(rows: Iterable[tuple[str, int]]) -> Counts:
    totals = dict(rows)
    return Counts(prompts=totals.get("prompt", 0) or 0, images=totals.get("image", 0) or 0)


class AsyncStore:
    """The daemon's access to the Store: one writer thread, a few reader threads.

    The writer commits whatever is queued in ONE transaction (group commit), each
    write in its own savepoint, and answers every waiting request only after COMMIT
    returned: one fsync for several batches, and acknowledged still means committed.
    Writes waiting beyond MAX_PENDING_WRITES are refused with Busy (503), so a flood
    gets a quick answer to retry instead of an ever-growing queue.
    """

    MAX_PENDING_WRITES = 256
    MAX_GROUP = 64
    READERS = 2

    def __init__(self, path: Path):
        self.path = path
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()
        self._local = threading.local()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers = ThreadPoolExecutor(self.READERS, thread_name_prefix="store-reader")
        self._pending_writes = 0
        self._checkpointer: threading.Thread | None = None
        self._wrote = threading.Event()  # set by the writer after each commit
        self._closing = threading.Event()

    async def open(self) -> None:
        """Create and migrate the database, then start the writer (raises DatabaseError)."""
        loop = asyncio.get_running_loop()
        store = await loop.run_in_executor(self._readers, Store, self.path)
        with self._stores_lock:
            self._stores.append(store)
        self._writer = threading.Thread(
            target=self._write_loop, args=(store,), name="store-writer", daemon=True
        )
        self._writer.start()
        checkpoint_store = await loop.run_in_executor(self._readers, Store, self.path)
        with self._stores_lock:
            self._stores.append(checkpoint_store)
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, args=(checkpoint_store,), name="store-checkpoint",
            daemon=True,
        )
        self._checkpointer.start()

    async def write(self, function: Callable[..., T], *args) -> T:
        """Run function(store, *args) on the writer thread; returns after COMMIT."""
        if self._pending_writes >= self.MAX_PENDING_WRITES:
            raise Busy("The daemon is busy storing other events; try again in a moment.")
        self._pending_writes += 1
        try:
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._queue.put((function, args, loop, future))
            return await future
        finally:
            self._pending_writes -= 1

    def _write_loop(self, store: Store) -> None:
        store.conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")
        store.conn.execute(f"PRAGMA journal_size_limit = {WAL_KEEP_BYTES}")
        while (first := self._next_write(store)) is not None:
            group = [first]
            while len(group) < self.MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(item)
            for (_, _, loop, future), outcome in zip(group, _commit_group(store, group),
                                                     strict=True):
                loop.call_soon_threadsafe(_settle, future, outcome)
            self._wrote.set()

    def _next_write(self, store: Store) -> tuple | None:
        """The next queued write; once writes pause, memory is handed back first.

        Waits without a timeout after that, so an idle daemon never wakes up.
        """
        try:
            return self._queue.get(timeout=RELEASE_AFTER_IDLE_S)
        except queue.Empty:
            release_memory(store)
            return self._queue.get()

    def _checkpoint_loop(self, store: Store) -> None:
        """Checkpoint beside the writer, at most every CHECKPOINT_INTERVAL_S while it writes.

        With random UUIDs each event dirties about one index page, so checkpoints cost
        as much as the writes themselves; done here (PASSIVE: never blocking the writer
        or readers) they no longer hold up the requests waiting for the next COMMIT.
        """
        while True:
            self._wrote.wait()
            if self._closing.is_set():
                return
            self._wrote.clear()
            store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            if self._closing.wait(CHECKPOINT_INTERVAL_S):
                return

    def _thread_store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.path)
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _read_call(self, function: Callable[..., T], args: tuple) -> T:
        return function(self._thread_store(), *args)

    async def read(self, function: Callable[..., T], *args) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read_call, function, args)

    def close(self) -> None:
        """Finish queued writes, then close every thread's connection."""
        if self._writer:
            self._queue.put(None)
            self._writer.join()
        if self._checkpointer:
            self._closing.set()
            self._wrote.set()
            self._checkpointer.join()
        self._readers.shutdown(wait=True)
        with self._stores_lock:
            for store in self._stores:
                store.close()
            self._stores.clear()


def _commit_group(store: Store, group: list) -> list[tuple[bool, object]]:
    """Run each write in its savepoint inside one transaction: [(ok, result or error)]."""
    outcomes: list[tuple[bool, object]] = []
    try:
        with store.transaction():
            for function, args, _, _ in group:
                try:
                    outcomes.append((True, function(store, *args)))
                except Exception as error:  # this write alone is rolled back
                    outcomes.append((False, error))
    except Exception as error:  # COMMIT failed: nothing of the group is stored
        return [(False, error)] * len(group)
    return outcomes


def _settle(future: asyncio.Future, outcome: tuple[bool, object]) -> None:
    if future.cancelled():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        assert isinstance(value, BaseException)
        future.set_exception(value)


def release_memory(store: Store) -> None:
    """Empty the connection's page cache and give the heap's free pages back to the OS.

    glibc keeps freed memory for reuse, so without malloc_trim the daemon's RSS would
    stay at its peak after a burst of events; elsewhere (no glibc) only SQLite's cache
    is released.
    """
    store.conn.execute("PRAGMA shrink_memory")
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
