"""The events database's schema as numbered migrations (run by core/migrations.py when
core/database.py opens the file). Plain sqlite3, like events.py (which says why).

Never edit a shipped migration: add the next number.
"""

from __future__ import annotations

import sqlite3


def m001_create_events(db: sqlite3.Connection) -> None:
    # Raw events only, never impacts: a change of profile or location re-computes history.
    # An id is stored once, whatever its timestamp (docs/api.md: posting the same id again
    # stores nothing new). Random UUIDs make this index the costliest part of a write
    # with years of events stored; the writer thread commits queued batches together.
    db.execute("""
        CREATE TABLE events (
            id TEXT NOT NULL,
            ts TEXT NOT NULL,
            local_date TEXT NOT NULL,
            site TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('prompt', 'image')),
            count INTEGER NOT NULL CHECK (count >= 1),
            model TEXT,
            label TEXT,
            regenerated INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL
        )
    """)
    db.execute("CREATE UNIQUE INDEX events_id ON events (id)")
    # Per-day counts, kept in the same transaction as the events: store.add_events adds
    # a batch's totals (one upsert per day/site/label/kind, not one per event), and the
    # trigger below takes deleted events out. Its key (local_date, site, label, kind) is
    # the index every date-range aggregation uses: a 365-day summary reads a few thousand
    # rows instead of scanning every event, so `events` needs no index beyond its
    # identity (forget and export scan it, rarely).
    db.execute("""
        CREATE TABLE daily_counts (
            local_date TEXT NOT NULL,
            site TEXT NOT NULL,
            label TEXT NOT NULL,  -- '' for no label: NULLs would not collide in the key
            kind TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (local_date, site, label, kind)
        ) WITHOUT ROWID
    """)
    db.execute("""
        CREATE TRIGGER events_count_delete AFTER DELETE ON events BEGIN
            UPDATE daily_counts SET count = count - old.count
            WHERE local_date = old.local_date AND site = old.site
              AND label = coalesce(old.label, '') AND kind = old.kind;
            DELETE FROM daily_counts
            WHERE local_date = old.local_date AND site = old.site
              AND label = coalesce(old.label, '') AND kind = old.kind AND count <= 0;
        END
    """)


def m002_settings(db: sqlite3.Connection) -> None:
    # Daemon-side settings (profile, location, lang, role, paused, label); values are JSON.
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def m003_day_versions(db: sqlite3.Connection) -> None:
    # A counter per local day, bumped by any change to that day's counts (from any
    # process: the daemon, `aifootprint import`, `forget`), so a reader re-reads only the
    # days that changed since it last looked instead of a whole year after every event.
    db.execute("""
        CREATE TABLE day_versions (local_date TEXT PRIMARY KEY, version INTEGER NOT NULL)
        WITHOUT ROWID
    """)
    db.execute("INSERT INTO day_versions SELECT DISTINCT local_date, 1 FROM daily_counts")
    for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        db.execute(f"""
            CREATE TRIGGER daily_counts_{event.lower()}_bumps_day AFTER {event} ON daily_counts
            BEGIN
                INSERT INTO day_versions (local_date, version) VALUES ({row}.local_date, 1)
                ON CONFLICT DO UPDATE SET version = version + 1;
            END
        """)


def m004_videos(db: sqlite3.Connection) -> None:
    # Videos are a kind of their own, with the length where the site reveals it. SQLite
    # cannot change a CHECK, so the events table is rebuilt (every event kept, in order),
    # with its index and the trigger that keeps daily_counts in step.
    db.execute("""
        CREATE TABLE events_v4 (
            id TEXT NOT NULL,
            ts TEXT NOT NULL,
            local_date TEXT NOT NULL,
            site TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('prompt', 'image', 'video')),
            count INTEGER NOT NULL CHECK (count >= 1),
            model TEXT,
            label TEXT,
            regenerated INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL,
            seconds REAL CHECK (seconds IS NULL OR (kind = 'video' AND seconds > 0))
        )
    """)
    db.execute("INSERT INTO events_v4 (id, ts, local_date, site, kind, count, model, label, "
               "regenerated, received_at) SELECT id, ts, local_date, site, kind, count, model, "
               "label, regenerated, received_at FROM events ORDER BY rowid")
    db.execute("DROP TABLE events")  # drops its index and trigger too
    db.execute("ALTER TABLE events_v4 RENAME TO events")
    db.execute("CREATE UNIQUE INDEX events_id ON events (id)")
    db.execute("""
        CREATE TRIGGER events_count_delete AFTER DELETE ON events BEGIN
            UPDATE daily_counts SET count = count - old.count
            WHERE local_date = old.local_date AND site = old.site
              AND label = coalesce(old.label, '') AND kind = old.kind;
            DELETE FROM daily_counts
            WHERE local_date = old.local_date AND site = old.site
              AND label = coalesce(old.label, '') AND kind = old.kind AND count <= 0;
        END
    """)


MIGRATIONS = (m001_create_events, m002_settings, m003_day_versions, m004_videos)
LATEST = len(MIGRATIONS)
