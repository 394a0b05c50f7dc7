"""The events database: events in, counts out. All its SQL outside migrations lives here.

`Store` holds the SQL, over one connection used by one thread at a time: the CLI opens
one directly (`Store(path)`); the daemon goes through the core's `Database`
(`events_database`), which runs every write on ONE writer thread (group commit, each
write in its savepoint) and reads on two reader threads with a Store each (WAL lets
readers run beside the writer), so sqlite3 never blocks the event loop. Each Store keeps
its own cache of day counts, so a reader re-reads only the days that changed.

Durability: the API answers 200 only after COMMIT returned, so "acknowledged" means
"on disk" (WAL, synchronous=FULL: see core/database.py `connect`).

Plain sqlite3 rather than sqlite-utils: importing sqlite-utils loads numpy, dateutil,
pluggy and click (+23 MB resident, +0.3 s start-up), which alone breaks the daemon's
60 MB idle target, and the store needs none of its helpers: its SQL is hand-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ...core import database
from ...core.database import Database, Options, transaction
from ...model.footprint import Counts
from .migrations import MIGRATIONS

EVENT_COLUMNS = (
    "id", "ts", "local_date", "site", "kind", "count", "model", "label", "regenerated",
    "received_at", "seconds",
)
KIND_INDEX = "CASE kind WHEN 'prompt' THEN 0 WHEN 'image' THEN 1 ELSE 2 END"  # Counts' order
INSERT_EVENTS = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES "
EVENT_MARKS = f"({', '.join('?' for _ in EVENT_COLUMNS)})"
INSERT_CHUNK = 90  # rows per INSERT: 990 values (11 columns), below the 999 of older SQLites
ADD_DAILY_COUNT = (
    "INSERT INTO daily_counts (local_date, site, label, kind, count) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT DO UPDATE SET count = count + excluded.count"
)
ID_CHUNK = 500  # values per SELECT ... IN (...), well below SQLite's variable limit
DAY_CACHE_SIZE = 4000  # days of counts a connection keeps (about 11 years)
# Every measured optimisation of the daemon's writes: group commit (in the core), a
# checkpoint thread beside the writer, memory handed back when idle, and a cap on waiting
# writes. (A 32 MB writer cache, to keep the random-UUID index in memory, added 35 MB at
# peak and no measurable speed in the daemon: not taken.)
OPTIONS = Options(wal=True, readers=2, checkpoints=True, release_memory=True,
                  max_pending_writes=256)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate; a database from the future is not touched."""
    return database.connect(path, MIGRATIONS, OPTIONS)


def events_database(path: Path) -> Database[Store]:
    """The daemon's access: a Store for the writer and one for each reader thread."""
    return Database(path, MIGRATIONS, OPTIONS, handle=lambda conn: Store(path, conn))


class Store:
    """Events, counts and settings in one SQLite file."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None = None):
        self.path = path
        self.conn = conn if conn is not None else connect(path)
        self._day_cache: dict[str, tuple[int, dict | None]] = {}  # day -> (version, counts)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- writing

    def add_events(self, rows: list[dict]) -> tuple[int, int]:
        """Store rows (events.event_row); returns (accepted, duplicates). One transaction.

        A duplicate is an event whose id is already stored (or earlier in `rows`), as a
        retry re-sends it. Duplicates are left out; any other problem (a CHECK) raises
        and rolls the whole batch back.
        Looking ids up is race-free: the transaction holds SQLite's write lock.
        """
        with transaction(self.conn) as conn:
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
            with transaction(self.conn) as conn:
                _insert_events(conn, rows)
        except sqlite3.IntegrityError:
            return False
        return True

    def forget(self, before: date | None = None) -> int:
        """Delete every event (before=None) or those of local days before `before`."""
        with transaction(self.conn) as conn:
            if before is None:
                removed = conn.execute("DELETE FROM events").rowcount
                conn.execute("DELETE FROM daily_counts")
            else:
                removed = conn.execute(
                    "DELETE FROM events WHERE local_date < ?", [before.isoformat()]
                ).rowcount
        return removed

    def put_settings(self, values: dict) -> None:
        with transaction(self.conn) as conn:
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
        # Rows are summed as they stream in, as plain [prompts, images, videos] lists: a year can
        # be ~20k rows, and fetching them all first left the daemon's heap 7 MB larger
        # for good (Python's small-object arenas, fragmented by the counts kept).
        sums: dict[str, tuple] = {}
        for start in range(0, len(days), ID_CHUNK):
            chunk = days[start:start + ID_CHUNK]
            rows = self.conn.execute(
                f"SELECT local_date, site, label, {KIND_INDEX}, count FROM daily_counts "
                f"WHERE local_date IN ({', '.join('?' * len(chunk))})", chunk)
            for day, site, label, kind, total in rows:
                entry = sums.get(day)
                if entry is None:
                    entry = sums[day] = ([0, 0, 0], {}, {})
                entry[0][kind] += total
                entry[1].setdefault(site, [0, 0, 0])[kind] += total
                entry[2].setdefault(label, [0, 0, 0])[kind] += total
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
            if event["seconds"] is None:  # only a video has a length
                del event["seconds"]
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
    """One entry of Store.days, from [prompts, images, videos] sums."""
    return {
        "total": Counts(*total),
        "sites": {name: Counts(*pair) for name, pair in sites.items()},
        "labels": {name: Counts(*pair) for name, pair in labels.items()},
        # Everything a day's summary depends on, as one str: cheap to compare.
        "key": repr((total, sorted(sites.items()), sorted(labels.items()))),
    }


def _counts(rows: Iterable[tuple[str, int]]) -> Counts:
    totals = dict(rows)
    return Counts(prompts=totals.get("prompt", 0) or 0, images=totals.get("image", 0) or 0,
                  videos=totals.get("video", 0) or 0)
