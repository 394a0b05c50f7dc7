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
Never edit a shipped migration; add the next number. Written with sqlite-utils, like
the rest of this database (store.py says why).
"""

from __future__ import annotations

import sqlite_utils


def m001_create_classes(db: sqlite_utils.Database) -> None:
    db.table("classes").create({
        "id": str, "name": str, "period_kind": str, "max_students": int, "k": int,
        "epsilon": float, "clip_prompts": int, "clip_images": int, "send_delay_max_s": int,
        "join_code_hash": str, "join_expires": str, "teacher_key_hash": str, "created": str,
    }, pk="id", not_null={"name", "period_kind", "join_code_hash", "teacher_key_hash"})
    db.table("classes").create_index(["join_code_hash"], unique=True)


def m002_create_members_and_submitted(db: sqlite_utils.Database) -> None:
    db.table("members").create({"member_hash": str, "class_id": str}, pk="member_hash")
    db.table("members").create_index(["class_id"])
    db.table("submitted").create(
        {"submission_hash": str, "class_id": str, "period": str}, pk="submission_hash"
    )
    db.table("submitted").create_index(["class_id", "period"])


def m003_create_sums_and_releases(db: sqlite_utils.Database) -> None:
    db.table("sums").create({
        "class_id": str, "period": str, "prompts": int, "images": int, "participants": int,
    }, pk=("class_id", "period"))
    db.table("releases").create({
        "class_id": str, "period": str, "status": str, "prompts": int, "images": int,
        "band": str, "epsilon": float, "scale_prompts": float, "scale_images": float,
        "released_at": str, "test_clock": int,
    }, pk=("class_id", "period"))


# What a prompt, an image and a video clip weighed (tenths of a Wh, the default profile's
# central values) when releases became one energy total: classes made before get these.
M004_WEIGHTS = {"weight_prompt": 40, "weight_image": 85, "weight_video": 4150}


def m004_energy_total_and_videos(db: sqlite_utils.Database) -> None:
    """One energy-weighted total per release, videos in the submission, epsilon <= 1.

    Older classes are migrated, not refused: they get no video bound (their students'
    daemons send none), the weights above, and an epsilon above 1 lowered to 1, which
    only adds noise (their students agreed to at most the old epsilon, so less is fine).
    A period already collecting gets its energy from its sums: per-kind bounds kept every
    student's prompts and images within the energy bound, so no cap is lost."""
    classes = db.table("classes")
    classes.add_column("clip_videos", int, not_null_default=0)
    for column, units in M004_WEIGHTS.items():
        classes.add_column(column, int, not_null_default=units)
    db.execute("UPDATE classes SET epsilon = 1.0 WHERE epsilon > 1.0")
    db.table("sums").add_column("videos", int, not_null_default=0)
    db.table("sums").add_column("energy", int, not_null_default=0)
    db.execute("UPDATE sums SET energy = ? * prompts + ? * images",
               [M004_WEIGHTS["weight_prompt"], M004_WEIGHTS["weight_image"]])
    # A release states its own interval; the older ones (counts) keep their columns.
    for column in ("energy_wh", "half_width_wh", "scale_wh"):
        db.table("releases").add_column(column, float)


def m005_add_joining_open(db: sqlite_utils.Database) -> None:
    """The teacher can close joining (docs/classroom.md, "Seats"); open by default."""
    db.table("classes").add_column("joining_open", int, not_null_default=1)


MIGRATIONS = (m001_create_classes, m002_create_members_and_submitted,
              m003_create_sums_and_releases, m004_energy_total_and_videos,
              m005_add_joining_open)
LATEST = len(MIGRATIONS)
