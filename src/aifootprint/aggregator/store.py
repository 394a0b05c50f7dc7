"""The aggregator's store and its rules: classes, joining, submissions, releases.

`AggregatorStore` holds the rules and their SQL, once, over a connection of either
backend (sql.py): the embedded SQLite file by default, or PostgreSQL with
`--database postgresql://...` (postgres.py) for several class-server processes.

On SQLite the server runs the methods through the core's `Database`: each write on ONE
writer thread, whatever is queued committed in one transaction (group commit, each
request in its own savepoint, so a refused submission changes nothing and blocks no
other). On PostgreSQL each runs in its own transaction on a pool thread, beside the
other processes'. The CLI calls the same methods on a connection of its own
(`open_database`), each write then its own transaction.

Counted once and released once, on both backends and across processes: a second
submission of a pseudonym meets the unique key of `submitted` (ON CONFLICT DO NOTHING
changes no row); the running sum is written before the check that its period is not yet
released, so a submission either waits for a release's lock on that row and then sees
the release, or is inside the sum the release takes; a release takes the sums with
DELETE ... RETURNING, which only one transaction can do.

Seats, across processes too: a join, a teacher's change of the seats or of joining, and
a reset each lock the class's row first (`for_update`), so they run one at a time per
class and each sees the members the one before left. A submission holds its member's
row (`for_key_share`) until it commits, so a reset, which deletes the members before the
sums, either waits for it and then deletes its sum, or has deleted the member and the
submission is refused.

SQLite: a rollback journal with secure_delete instead of WAL (Options(wal=False)): a WAL
file keeps successive images of the `sums` page (a running total after each
submission), from which single submissions could be read back; secure_delete zeroes the
exact sums and submission hashes that a release deletes. What PostgreSQL keeps of them,
and for how long: docs/deploy.md.

Secrets (join codes, teacher keys, pseudonyms) are stored only as HMAC-SHA256 keyed
with the server's secret file, never in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from ..core.database import Database, Options, connect
from ..core.errors import (
    ClassFull,
    ClassNotFound,
    DatabaseError,
    InvalidInput,
    JoinCodeExpired,
    JoiningClosed,
    PeriodNotClosed,
    SubmissionRefused,
    TeacherKeyWrong,
    invalid_input,
)
from ..model import periods
from ..model.class_precision import EnergyWeights
from ..model.submission import CLASS_ID_PATTERN, PSEUDONYM_PATTERN, Submission
from .config import is_postgres
from .migrations import MIGRATIONS
from .privacy import (
    MAX_EPSILON,
    MIN_K,
    NoisyTotal,
    class_weights,
    energy_bound,
    expected_precision,
    participant_band,
    released_energy,
)
from .sql import DatabaseAccess, SqlConnection, SQLiteConnection

CLASS_ID = re.compile(CLASS_ID_PATTERN)
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read aloud
# Lookups are the only reads beside the writer; everything else writes (a report first
# releases what is due). No cap on waiting writes: a student's daemon waits its turn.
OPTIONS = Options(wal=False, readers=1)
# What a submission adds to its class and period's running sums: its clipped counts, and
# its energy (capped at the class's bound), the one figure released with noise.
SUMMED = ("prompts", "images", "videos", "energy")


@dataclass(frozen=True)
class ClassSettings:
    name: str
    period_kind: str = periods.DEFAULT_KIND
    max_students: int = 40
    k: int = MIN_K
    epsilon: float = 1.0
    join_days: int = 14
    clip_prompts: int | None = None  # None: the period kind's documented bound
    clip_images: int | None = None
    send_delay_max_s: int | None = None
    clip_videos: int | None = None

    def checked(self) -> ClassSettings:
        rules = periods.RULES[periods.check_kind(self.period_kind)]
        _check(1 <= len(self.name.strip()) <= 100, InvalidInput("class_name_length", field="name"))
        _check(self.k >= MIN_K, InvalidInput("k_too_small", field="k", least=MIN_K))
        _check(self.k <= self.max_students <= 1000,
               InvalidInput("class_size_range", field="max_students"))
        _check(0.05 <= self.epsilon <= MAX_EPSILON,
               InvalidInput("epsilon_range", field="epsilon", most=f"{MAX_EPSILON:g}"))
        _check(1 <= self.join_days <= 365, InvalidInput("join_days_range", field="join_days"))
        clip_prompts = self.clip_prompts or rules.clip_prompts
        clip_images = self.clip_images or rules.clip_images
        _check(1 <= clip_prompts <= rules.max_clip_prompts,
               InvalidInput("clip_prompts_range", field="clip_prompts",
                            most=rules.max_clip_prompts))
        _check(1 <= clip_images <= rules.max_clip_images,
               InvalidInput("clip_images_range", field="clip_images",
                            most=rules.max_clip_images))
        clip_videos = rules.clip_videos if self.clip_videos is None else self.clip_videos
        _check(0 <= clip_videos <= rules.max_clip_videos,
               InvalidInput("clip_videos_range", field="clip_videos",
                            most=rules.max_clip_videos))
        delay = rules.send_delay_max_s if self.send_delay_max_s is None else self.send_delay_max_s
        _check(0 <= delay <= rules.window.total_seconds() / 2,
               InvalidInput("send_delay_range", field="send_delay_max_s"))
        return ClassSettings(self.name.strip(), self.period_kind, self.max_students, self.k,
                             self.epsilon, self.join_days, clip_prompts, clip_images, delay,
                             clip_videos)


def _check(ok: bool, problem: InvalidInput) -> None:
    if not ok:
        raise problem


def new_join_code() -> str:
    letters = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def normalize_join_code(code: str) -> str:
    letters = re.sub(r"[\s-]", "", str(code)).upper()
    if len(letters) != 10 or set(letters) - set(JOIN_CODE_ALPHABET):
        raise ClassNotFound("no_such_code")
    return f"{letters[:5]}-{letters[5:]}"


def public_info(row: dict) -> dict:
    """What a student learns about a class before and after joining."""
    rules = periods.RULES[row["period_kind"]]
    return {
        "class_id": row["id"], "name": row["name"], "period": row["period_kind"],
        "k": row["k"], "epsilon": row["epsilon"], "max_students": row["max_students"],
        "clip_prompts": row["clip_prompts"], "clip_images": row["clip_images"],
        "clip_videos": row["clip_videos"], "send_delay_max_s": row["send_delay_max_s"],
        "window_s": int(rules.window.total_seconds()),
        "expected_precision": expected_precision(row),
    }


def open_database(database: Path | str) -> SqlConnection:
    """A connection of its own (the CLI), migrated; a database from the future is refused.
    `database`: the SQLite file, or a postgresql:// address (AggregatorConfig.database)."""
    if is_postgres(database):
        from .postgres import connect as connect_postgres  # psycopg only when it is used

        return connect_postgres(str(database), MIGRATIONS)
    return SQLiteConnection(connect(Path(database), MIGRATIONS, OPTIONS, wrap=SQLiteConnection))


def aggregator_database(database: Path | str, secret_path: Path) -> DatabaseAccess:
    """The server's access, with open/write/read/close: core.database.Database on the SQLite
    file, postgres.PostgresDatabase on PostgreSQL; an AggregatorStore on each connection."""
    secret = load_secret(secret_path)
    if is_postgres(database):
        from .postgres import PostgresDatabase

        return PostgresDatabase(str(database), MIGRATIONS,
                                handle=lambda db: AggregatorStore(db, secret))
    return Database(Path(database), MIGRATIONS, OPTIONS, wrap=SQLiteConnection,
                    handle=lambda db: AggregatorStore(db, secret))


def load_secret(path: Path) -> bytes:
    """The HMAC key, made on first use, readable only by the aggregator's user.

    Written to a temporary file and linked into place, so a second process starting at
    the same moment (serve and create-class) never reads a half-written key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(secret) != 32:
        raise DatabaseError("class_secret_damaged", path=path)
    return secret


class AggregatorStore:
    def __init__(self, db: SqlConnection, secret: bytes):
        self.db = db
        self.secret = secret

    def close(self) -> None:
        self.db.close()

    def classes_count(self) -> int:
        """How many classes the server holds (the readiness check reads the database)."""
        return self.db.value("SELECT COUNT(*) FROM classes")

    @contextmanager
    def _write(self) -> Iterator[SqlConnection]:
        """All or nothing: a transaction of its own, or a savepoint inside the writer's group."""
        with self.db.transaction():
            yield self.db

    def _hash(self, *parts: str) -> str:
        message = "\x1f".join(parts).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    # Classes -------------------------------------------------------------------------

    def create_class(self, settings: ClassSettings, weights: EnergyWeights,
                     now: datetime) -> dict:
        """A new class; returns its id, join code and teacher key (shown once, never stored).
        `weights` (from the factor table) weigh every period of this class alike."""
        settings = settings.checked()
        class_id, code, key = secrets.token_hex(8), new_join_code(), secrets.token_urlsafe(24)
        expires = now + timedelta(days=settings.join_days)
        with self._write() as db:
            db.insert("classes", {
                "id": class_id, "name": settings.name, "period_kind": settings.period_kind,
                "max_students": settings.max_students, "k": settings.k,
                "epsilon": settings.epsilon, "clip_prompts": settings.clip_prompts,
                "clip_images": settings.clip_images, "clip_videos": settings.clip_videos,
                "weight_prompt": weights.prompt, "weight_image": weights.image,
                "weight_video": weights.video,
                "send_delay_max_s": settings.send_delay_max_s,
                "join_code_hash": self._hash("join", code),
                "join_expires": expires.isoformat(timespec="seconds"),
                "teacher_key_hash": self._hash("teacher", key),
                "created": now.date().isoformat(),
            })
        return {"class_id": class_id, "join_code": code, "join_expires": expires,
                "teacher_key": key}

    def _class_by_code(self, code: str, now: datetime, lock: bool = False) -> dict:
        """The class of a join code; lock: held until the transaction ends (its seats)."""
        code_hash = self._hash("join", normalize_join_code(code))
        row = self.db.one("SELECT * FROM classes WHERE join_code_hash = ?"
                          + (self.db.for_update if lock else ""), [code_hash])
        if row is None:
            raise ClassNotFound("no_such_code")
        if datetime.fromisoformat(row["join_expires"]) <= now:
            raise JoinCodeExpired("join_code_expired")
        return row

    def _class(self, class_id: str, lock: bool = False) -> dict:
        """A class by id; lock: held until the transaction ends (seats, joining, reset)."""
        found = self.db.one("SELECT * FROM classes WHERE id = ?"
                            + (self.db.for_update if lock else ""), [str(class_id)])
        if not CLASS_ID.match(str(class_id)) or found is None:
            raise ClassNotFound("no_such_class", id=str(class_id)[:20])
        return found

    def lookup(self, code: str, now: datetime) -> dict:
        return public_info(self._class_by_code(code, now))

    def join(self, code: str, pseudonym: str, now: datetime) -> dict:
        """Register a pseudonym (as a keyed hash) in the class the code names."""
        if not re.match(PSEUDONYM_PATTERN, str(pseudonym)):
            raise InvalidInput("pseudonym_format", field="pseudonym")
        with self._write() as db:
            # Locked: two processes letting students in at once cannot pass max_students,
            # nor let one in while the teacher closes joining, changes the seats or resets.
            row = self._class_by_code(code, now, lock=True)
            member = self._hash("member", row["id"], pseudonym)
            if db.one("SELECT 1 FROM members WHERE member_hash = ?", [member]):
                return public_info(row)
            if not row["joining_open"]:
                raise JoiningClosed("joining_closed")
            if self._members(row["id"]) >= row["max_students"]:
                raise ClassFull("class_full", seats=row["max_students"])
            db.insert("members", {"member_hash": member, "class_id": row["id"]})
        return public_info(row)

    def teacher_class(self, class_id: str, teacher_key: str, lock: bool = False) -> dict:
        row = self._class(class_id, lock)
        if not hmac.compare_digest(row["teacher_key_hash"], self._hash("teacher", teacher_key)):
            raise TeacherKeyWrong("teacher_key_wrong")
        return row

    # Seats: the teacher decides who can still get in ---------------------------------

    def _members(self, class_id: str) -> int:
        return self.db.value("SELECT COUNT(*) FROM members WHERE class_id = ?", [class_id])

    def joining(self, row: dict) -> dict:
        """Members (a count, nothing about them), seats, and whether joining is open."""
        return {"open": bool(row["joining_open"]), "seats": row["max_students"],
                "members": self._members(row["id"]), "code_expires": row["join_expires"]}

    def set_joining(self, class_id: str, teacher_key: str, open_: bool | None,
                    seats: int | None) -> dict:
        """Close or reopen joining, or change the seats (not below the members or k)."""
        with self._write() as db:
            # Locked like a join's: the members counted here stay the members until the
            # change is written, whichever process lets students in.
            row = self.teacher_class(class_id, teacher_key, lock=True)
            changes: dict = {}
            if open_ is not None:
                changes["joining_open"] = int(open_)
            if seats is not None:
                members = self._members(row["id"])
                _check(max(row["k"], members) <= seats <= 1000,
                       InvalidInput("seats_range", field="seats", least=max(row["k"], members)))
                changes["max_students"] = seats
            if changes:
                db.run(f"UPDATE classes SET {', '.join(f'{name} = ?' for name in changes)} "
                       "WHERE id = ?", [*changes.values(), row["id"]])
                row = {**row, **changes}
            return self.joining(row)

    def reset_members(self, class_id: str, teacher_key: str, now: datetime) -> dict:
        """Start again: every member out, what is not yet released deleted, a new join
        code (the old one stops working), joining open. Shown once, like at creation."""
        code = new_join_code()
        expires = now + timedelta(days=ClassSettings.join_days)
        with self._write() as db:
            # Locked like a join's, so no join with the old code slips in after the members
            # are deleted. Members go first: a submission holds its member's row (submit),
            # so it is either refused or committed before the sums are deleted below.
            row = self.teacher_class(class_id, teacher_key, lock=True)
            for table in ("members", "sums", "submitted"):
                db.run(f"DELETE FROM {table} WHERE class_id = ?", [row["id"]])
            changes = {"join_code_hash": self._hash("join", code), "joining_open": 1,
                       "join_expires": expires.isoformat(timespec="seconds")}
            db.run("UPDATE classes SET join_code_hash = ?, joining_open = ?, join_expires = ? "
                   "WHERE id = ?", [*changes.values(), row["id"]])
            joining = self.joining({**row, **changes})
        return {"join_code": code, "join_expires": expires.isoformat(timespec="minutes"),
                "joining": joining}

    # Submissions ---------------------------------------------------------------------

    def submit(self, body: object, now: datetime) -> None:
        """One submission: counted, or refused with its error and nothing changed."""
        submission = parse_submission(body)
        with self._write():
            self._add_submission(submission, now)

    def _add_submission(self, submission: Submission, now: datetime) -> None:
        db = self.db
        row = self._class(submission.class_id)
        _check_bounds(submission, row)
        self._check_period_open(row, submission.period, now)
        member = self._hash("member", row["id"], submission.pseudonym)
        done = self._hash("submitted", row["id"], submission.period, submission.pseudonym)
        # A member's only, and once: a second submission (from any process) meets the key
        # and adds no row. One statement, as each costs a round trip on PostgreSQL. The
        # member's row is held (for_key_share) until the sum is written, so a reset that
        # deletes the members either waits for this submission or is seen by it.
        if not db.run("INSERT INTO submitted (submission_hash, class_id, period) "
                      "SELECT ?, ?, ? WHERE EXISTS "
                      "(SELECT 1 FROM members WHERE member_hash = ?" + db.for_key_share + ") "
                      "ON CONFLICT (submission_hash) DO NOTHING",
                      [done, row["id"], submission.period, member]):
            if not db.one("SELECT 1 FROM members WHERE member_hash = ?", [member]):
                raise SubmissionRefused("not_joined")
            raise SubmissionRefused("already_submitted")
        # The student's energy, capped at the class's bound (the sum's sensitivity).
        energy = min(class_weights(row).of(submission.prompts, submission.images,
                                           submission.videos), energy_bound(row))
        added = {"prompts": submission.prompts, "images": submission.images,
                 "videos": submission.videos, "energy": energy}
        db.run(SUMS_UPSERT, [row["id"], submission.period, *(added[name] for name in SUMMED)])
        # After the sum's row is written (and locked): a release of this period is then
        # either committed and seen here, or waits for this transaction and includes it.
        if db.one("SELECT 1 FROM releases WHERE class_id = ? AND period = ?",
                  [row["id"], submission.period]):
            raise _period_over(submission.period)

    def _check_period_open(self, row: dict, period: str, now: datetime) -> None:
        kind = row["period_kind"]
        closes = periods.closes_at(kind, period)
        if now < closes:
            raise PeriodNotClosed("period_open", period=period, closes=f"{closes:%Y-%m-%d %H:%M}")
        if now >= periods.window_ends_at(kind, period):
            raise _period_over(period)

    # Releases ------------------------------------------------------------------------

    def release_due(self, now: datetime, noise: Callable[..., NoisyTotal],
                    test_clock: bool = False) -> list[dict]:
        """Release every period whose submission window has ended; each only once."""
        made = []
        due = self.db.rows("SELECT classes.*, sums.period AS due_period FROM sums "
                           "JOIN classes ON classes.id = sums.class_id")
        for row in due:
            if now < periods.window_ends_at(row["period_kind"], row["due_period"]):
                continue
            release = self._release(row, row["due_period"], now, noise, test_clock)
            if release:
                made.append(release)
        return made

    def _release(self, row: dict, period: str, now: datetime,
                 noise: Callable[..., NoisyTotal], test_clock: bool) -> dict | None:
        with self._write() as db:
            key = [row["id"], period]
            # Taken, not read: of processes releasing at once, one gets the row.
            sums = db.one("DELETE FROM sums WHERE class_id = ? AND period = ? RETURNING "
                          + ", ".join((*SUMMED, "participants")), key)
            if sums is None:
                return None  # another process released it a moment ago
            release = {"class_id": row["id"], "period": period, "epsilon": row["epsilon"],
                       "released_at": now.isoformat(timespec="seconds"),
                       "test_clock": int(test_clock), "status": "not_enough"}
            if sums["participants"] >= max(row["k"], MIN_K):
                release.update(released_energy(noise(sums["energy"], energy_bound(row),
                                                      min(row["epsilon"], MAX_EPSILON))),
                               band=participant_band(sums["participants"]))
            db.insert("releases", release)
            # The who-submitted hashes are no longer needed either: drop them.
            db.run("DELETE FROM submitted WHERE class_id = ? AND period = ?", key)
        return release

    def releases(self, class_id: str) -> list[dict]:
        return self.db.rows("SELECT * FROM releases WHERE class_id = ? ORDER BY period",
                            [class_id])


# The running sums of a class and period: the first submission makes the row, the next
# add to it (an upsert both backends run as written).
SUMS_UPSERT = (
    f"INSERT INTO sums (class_id, period, {', '.join(SUMMED)}, participants) "
    f"VALUES (?, ?, {', '.join('?' for _ in SUMMED)}, 1) "
    "ON CONFLICT (class_id, period) DO UPDATE SET "
    + ", ".join(f"{name} = sums.{name} + excluded.{name}" for name in SUMMED)
    + ", participants = sums.participants + 1"
)


def _period_over(period: str) -> SubmissionRefused:
    return SubmissionRefused("period_over", period=period)


def parse_submission(body: object) -> Submission:
    try:
        return Submission.model_validate(body)
    except ValidationError as error:
        problem = invalid_input(error)
        raise InvalidInput("submission_malformed", field=problem.field, problem=problem) from None


def _check_bounds(submission: Submission, row: dict) -> None:
    for field, bound in (("prompts", row["clip_prompts"]), ("images", row["clip_images"]),
                         ("videos", row["clip_videos"])):
        value = getattr(submission, field)
        if not 0 <= value <= bound:
            raise InvalidInput("count_over_clip", field=field, bound=bound, value=value)
