"""The aggregator's SQLite store and its rules: classes, joining, submissions, releases.

`AggregatorStore` holds the rules and the SQL over one connection; the server runs its
methods through the core's `Database` (`aggregator_database`): each write on ONE writer
thread, whatever is queued committed in one transaction (group commit, each request in
its own savepoint, so a refused submission changes nothing and blocks no other). The
CLI calls the same methods on a connection of its own (`open_database`), each write
then its own `BEGIN IMMEDIATE` transaction, which SQLite serialises with the server's.

Rollback journal with secure_delete instead of WAL (Options(wal=False)): a WAL file
keeps successive images of the `sums` page (a running total after each submission),
from which single submissions could be read back; secure_delete zeroes the exact sums
and submission hashes that a release deletes.

sqlite-utils rather than plain sqlite3: the aggregator is its own process, so the
21 MB it costs the daemon do not matter here, and its table helpers keep the rules
short; every table of this database is written through it.

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

import sqlite_utils
from pydantic import ValidationError

from ..core.database import Database, Options, connect, transaction
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

CLASS_ID = re.compile(CLASS_ID_PATTERN)
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read aloud
# Lookups are the only reads beside the writer; everything else writes (a report first
# releases what is due). No cap on waiting writes: a student's daemon waits its turn.
OPTIONS = Options(wal=False, readers=1)


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


def open_database(path: Path) -> sqlite_utils.Database:
    """A connection of its own (the CLI), migrated; a database from the future is refused."""
    return sqlite_utils.Database(connect(path, MIGRATIONS, OPTIONS, wrap=sqlite_utils.Database))


def aggregator_database(db_path: Path, secret_path: Path) -> Database[AggregatorStore]:
    """The server's access: an AggregatorStore on the writer's and the reader's connection."""
    secret = load_secret(secret_path)
    return Database(db_path, MIGRATIONS, OPTIONS, wrap=sqlite_utils.Database,
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
    def __init__(self, db: sqlite_utils.Database, secret: bytes):
        self.db = db
        self.secret = secret

    def close(self) -> None:
        self.db.conn.close()

    def classes_count(self) -> int:
        """How many classes the server holds (the readiness check reads the database)."""
        return self.db.execute("SELECT COUNT(*) FROM classes").fetchone()[0]

    @contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        """All or nothing (core.database.transaction): a savepoint inside the writer's group."""
        with transaction(self.db.conn):
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
            db.table("classes").insert({
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

    def _class_by_code(self, code: str, now: datetime) -> dict:
        code_hash = self._hash("join", normalize_join_code(code))
        rows = list(self.db.table("classes").rows_where("join_code_hash = ?", [code_hash]))
        if not rows:
            raise ClassNotFound("no_such_code")
        if datetime.fromisoformat(rows[0]["join_expires"]) <= now:
            raise JoinCodeExpired("join_code_expired")
        return rows[0]

    def _class(self, class_id: str) -> dict:
        found = list(self.db.query("SELECT * FROM classes WHERE id = ?", [str(class_id)]))
        if not CLASS_ID.match(str(class_id)) or not found:
            raise ClassNotFound("no_such_class", id=str(class_id)[:20])
        return found[0]

    def lookup(self, code: str, now: datetime) -> dict:
        return public_info(self._class_by_code(code, now))

    def join(self, code: str, pseudonym: str, now: datetime) -> dict:
        """Register a pseudonym (as a keyed hash) in the class the code names."""
        if not re.match(PSEUDONYM_PATTERN, str(pseudonym)):
            raise InvalidInput("pseudonym_format", field="pseudonym")
        with self._write() as db:
            row = self._class_by_code(code, now)
            member = self._hash("member", row["id"], pseudonym)
            if db.table("members").count_where("member_hash = ?", [member]):
                return public_info(row)
            if not row["joining_open"]:
                raise JoiningClosed("joining_closed")
            if db.table("members").count_where("class_id = ?", [row["id"]]) >= row["max_students"]:
                raise ClassFull("class_full", seats=row["max_students"])
            db.table("members").insert({"member_hash": member, "class_id": row["id"]})
        return public_info(row)

    def teacher_class(self, class_id: str, teacher_key: str) -> dict:
        row = self._class(class_id)
        if not hmac.compare_digest(row["teacher_key_hash"], self._hash("teacher", teacher_key)):
            raise TeacherKeyWrong("teacher_key_wrong")
        return row

    # Seats: the teacher decides who can still get in ---------------------------------

    def joining(self, row: dict) -> dict:
        """Members (a count, nothing about them), seats, and whether joining is open."""
        members = self.db.table("members").count_where("class_id = ?", [row["id"]])
        return {"open": bool(row["joining_open"]), "seats": row["max_students"],
                "members": members, "code_expires": row["join_expires"]}

    def set_joining(self, class_id: str, teacher_key: str, open_: bool | None,
                    seats: int | None) -> dict:
        """Close or reopen joining, or change the seats (not below the members or k)."""
        row = self.teacher_class(class_id, teacher_key)
        changes: dict = {}
        if open_ is not None:
            changes["joining_open"] = int(open_)
        if seats is not None:
            members = self.joining(row)["members"]
            _check(max(row["k"], members) <= seats <= 1000,
                   InvalidInput("seats_range", field="seats", least=max(row["k"], members)))
            changes["max_students"] = seats
        if changes:
            with self._write() as db:
                db.table("classes").update(row["id"], changes)
        return self.joining(self._class(row["id"]))

    def reset_members(self, class_id: str, teacher_key: str, now: datetime) -> dict:
        """Start again: every member out, what is not yet released deleted, a new join
        code (the old one stops working), joining open. Shown once, like at creation."""
        row = self.teacher_class(class_id, teacher_key)
        code = new_join_code()
        expires = now + timedelta(days=ClassSettings.join_days)
        with self._write() as db:
            for table in ("members", "sums", "submitted"):
                db.table(table).delete_where("class_id = ?", [row["id"]])
            db.table("classes").update(row["id"], {
                "join_code_hash": self._hash("join", code), "joining_open": 1,
                "join_expires": expires.isoformat(timespec="seconds")})
        return {"join_code": code, "join_expires": expires.isoformat(timespec="minutes"),
                "joining": self.joining(self._class(row["id"]))}

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
        if not db.table("members").count_where("member_hash = ?", [member]):
            raise SubmissionRefused("not_joined")
        done = self._hash("submitted", row["id"], submission.period, submission.pseudonym)
        if db.table("submitted").count_where("submission_hash = ?", [done]):
            raise SubmissionRefused("already_submitted")
        db.execute("INSERT INTO submitted (submission_hash, class_id, period) VALUES (?, ?, ?)",
                   [done, row["id"], submission.period])
        # The student's energy, capped at the class's bound (the sum's sensitivity).
        energy = min(class_weights(row).of(submission.prompts, submission.images,
                                           submission.videos), energy_bound(row))
        db.execute(
            "INSERT INTO sums (class_id, period, prompts, images, videos, energy, participants)"
            " VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (class_id, period) DO UPDATE SET "
            "prompts = prompts + excluded.prompts, images = images + excluded.images, "
            "videos = videos + excluded.videos, energy = energy + excluded.energy, "
            "participants = participants + 1",
            [row["id"], submission.period, submission.prompts, submission.images,
             submission.videos, energy],
        )

    def _check_period_open(self, row: dict, period: str, now: datetime) -> None:
        kind = row["period_kind"]
        closes = periods.closes_at(kind, period)
        if now < closes:
            raise PeriodNotClosed("period_open", period=period, closes=f"{closes:%Y-%m-%d %H:%M}")
        released = self.db.table("releases").count_where(
            "class_id = ? AND period = ?", [row["id"], period])
        if released or now >= periods.window_ends_at(kind, period):
            raise SubmissionRefused("period_over", period=period)

    # Releases ------------------------------------------------------------------------

    def release_due(self, now: datetime, noise: Callable[..., NoisyTotal],
                    test_clock: bool = False) -> list[dict]:
        """Release every period whose submission window has ended; each only once."""
        made = []
        for due in list(self.db.table("sums").rows):
            row = self.db.table("classes").get(due["class_id"])
            if now < periods.window_ends_at(row["period_kind"], due["period"]):
                continue
            release = self._release(row, due["period"], now, noise, test_clock)
            if release:
                made.append(release)
        return made

    def _release(self, row: dict, period: str, now: datetime,
                 noise: Callable[..., NoisyTotal], test_clock: bool) -> dict | None:
        with self._write() as db:
            key = [row["id"], period]
            found = list(db.table("sums").rows_where("class_id = ? AND period = ?", key))
            if not found:
                return None  # another process released it a moment ago
            sums = found[0]
            release = {"class_id": row["id"], "period": period, "epsilon": row["epsilon"],
                       "released_at": now.isoformat(timespec="seconds"),
                       "test_clock": int(test_clock), "status": "not_enough"}
            if sums["participants"] >= max(row["k"], MIN_K):
                release.update(released_energy(noise(sums["energy"], energy_bound(row),
                                                      min(row["epsilon"], MAX_EPSILON))),
                               band=participant_band(sums["participants"]))
            db.table("releases").insert(release)
            # The exact sums and who-submitted hashes are no longer needed: drop them.
            db.table("sums").delete(key)
            db.table("submitted").delete_where("class_id = ? AND period = ?", key)
        return release

    def releases(self, class_id: str) -> list[dict]:
        return list(self.db.table("releases").rows_where(
            "class_id = ?", [class_id], order_by="period"))


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
