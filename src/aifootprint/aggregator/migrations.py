"""The aggregator's schema as numbered migrations, each applied once in its own transaction
(by core/migrations.py, when core/database.py opens the file).

What the tables may hold is the privacy design (docs/classroom.md):
- `members`: a keyed hash of (class, pseudonym), to refuse forged pseudonyms and to cap
  the class size. No value, no time.
- `submitted`: a keyed hash of (class, period, pseudonym), to refuse a second
  submission. No value next to it.
- `sums`: running totals per class and period. No pseudonym. Deleted at release.
- `releases`: the one noisy release of a period (or 'not enough participants').
Never edit a shipped migration's effect; add the next number. Portable SQL, run on SQLite
(numbered by PRAGMA user_version, core/migrations.py) and on PostgreSQL (a
schema_version table, postgres.py) alike: TEXT, INTEGER and DOUBLE PRECISION columns.
Migrations 1-3 were written with sqlite-utils; these statements make the same tables
and indexes (the same column types on SQLite), so files made before read as before.
"""

from __future__ import annotations

from .sql import SqlConnection


def m001_create_classes(db: SqlConnection) -> None:
    db.run("CREATE TABLE classes (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
           "period_kind TEXT NOT NULL, max_students INTEGER, k INTEGER, "
           "epsilon DOUBLE PRECISION, clip_prompts INTEGER, clip_images INTEGER, "
           "send_delay_max_s INTEGER, join_code_hash TEXT NOT NULL, join_expires TEXT, "
           "teacher_key_hash TEXT NOT NULL, created TEXT)")
    db.run("CREATE UNIQUE INDEX idx_classes_join_code_hash ON classes (join_code_hash)")


def m002_create_members_and_submitted(db: SqlConnection) -> None:
    db.run("CREATE TABLE members (member_hash TEXT PRIMARY KEY, class_id TEXT)")
    db.run("CREATE INDEX idx_members_class_id ON members (class_id)")
    db.run("CREATE TABLE submitted (submission_hash TEXT PRIMARY KEY, class_id TEXT, "
           "period TEXT)")
    db.run("CREATE INDEX idx_submitted_class_id_period ON submitted (class_id, period)")


def m003_create_sums_and_releases(db: SqlConnection) -> None:
    db.run("CREATE TABLE sums (class_id TEXT, period TEXT, prompts INTEGER, images INTEGER, "
           "participants INTEGER, PRIMARY KEY (class_id, period))")
    db.run("CREATE TABLE releases (class_id TEXT, period TEXT, status TEXT, prompts INTEGER, "
           "images INTEGER, band TEXT, epsilon DOUBLE PRECISION, "
           "scale_prompts DOUBLE PRECISION, scale_images DOUBLE PRECISION, released_at TEXT, "
           "test_clock INTEGER, PRIMARY KEY (class_id, period))")


MIGRATIONS = (m001_create_classes, m002_create_members_and_submitted,
              m003_create_sums_and_releases)
LATEST = len(MIGRATIONS)
