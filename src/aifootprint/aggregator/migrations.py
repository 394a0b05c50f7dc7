"""The aggregator's schema as numbered migrations, each applied once in its own transaction
(by core/migrations.py, when core/database.py opens the file).

What the tables may hold is the privacy design (docs/classroom.md):
- `members`: a keyed hash of (class, pseudonym), to refuse forged pseudonyms and to cap
  the class size. No value, no time.
- `submitted`: a keyed hash of (class, period, pseudonym), to refuse a second
  submission. No value next to it.
- `sums`: running totals per class and period. No pseudonym. Deleted at release.
- `releases`: the one noisy release of a period (or 'not enough participants', or 'too
  uncertain to show').
Never edit a shipped migration's effect; add the next number. Portable SQL, run on SQLite
(numbered by PRAGMA user_version, core/migrations.py) and on PostgreSQL (a
schema_version table, postgres.py) alike: TEXT, INTEGER and DOUBLE PRECISION columns.
Migrations 1-5 were written with sqlite-utils; these statements make the same tables,
columns and indexes (column types of the same affinity on SQLite: DOUBLE PRECISION where
sqlite-utils wrote REAL), so files made before read as before.
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


# What a prompt, an image and a video clip weighed (tenths of a Wh, the default profile's
# central values) when releases became one energy total: classes made before get these.
M004_WEIGHTS = {"weight_prompt": 40, "weight_image": 85, "weight_video": 4150}


def m004_energy_total_and_videos(db: SqlConnection) -> None:
    """One energy-weighted total per release, videos in the submission, epsilon <= 1.

    Older classes are migrated, not refused: they get no video bound (their students'
    daemons send none), the weights above, and an epsilon above 1 lowered to 1, which
    only adds noise (their students agreed to at most the old epsilon, so less is fine).
    A period already collecting gets its energy from its sums: per-kind bounds kept every
    student's prompts and images within the energy bound, so no cap is lost."""
    db.run("ALTER TABLE classes ADD COLUMN clip_videos INTEGER NOT NULL DEFAULT 0")
    for column, units in M004_WEIGHTS.items():
        db.run(f"ALTER TABLE classes ADD COLUMN {column} INTEGER NOT NULL DEFAULT {units:d}")
    db.run("UPDATE classes SET epsilon = 1.0 WHERE epsilon > 1.0")
    db.run("ALTER TABLE sums ADD COLUMN videos INTEGER NOT NULL DEFAULT 0")
    db.run("ALTER TABLE sums ADD COLUMN energy INTEGER NOT NULL DEFAULT 0")
    # The weights written into the statement (integers of this module, not parameters):
    # PostgreSQL would otherwise have to guess the parameters' type in `? * prompts`.
    db.run(f"UPDATE sums SET energy = {M004_WEIGHTS['weight_prompt']:d} * prompts"
           f" + {M004_WEIGHTS['weight_image']:d} * images")
    # A release states its own interval; the older ones (counts) keep their columns.
    for column in ("energy_wh", "half_width_wh", "scale_wh"):
        db.run(f"ALTER TABLE releases ADD COLUMN {column} DOUBLE PRECISION")


def m005_add_joining_open(db: SqlConnection) -> None:
    """The teacher can close joining (docs/classroom.md, "Seats"); open by default."""
    db.run("ALTER TABLE classes ADD COLUMN joining_open INTEGER NOT NULL DEFAULT 1")


MIGRATIONS = (m001_create_classes, m002_create_members_and_submitted,
              m003_create_sums_and_releases, m004_energy_total_and_videos,
              m005_add_joining_open)
LATEST = len(MIGRATIONS)
