"""Class sharing, the student's side: join a class, send one clipped total per period.

Off by default: the state file (data_dir/class_sharing.db) exists only while the
student is a member; `leave` deletes it, pseudonym and all. The pseudonym is random
(secrets.token_urlsafe), made here, and never derived from anything about the student.

Per closed period the daemon sends exactly: class id, period id, pseudonym, and the
prompt and image counts of that period clipped to the class's bounds. It waits a
random 0..send_delay_max_s after the close, and retries (with back-off) until the
aggregator answers; a definite refusal (duplicate, period over) is recorded, not
retried. See docs/classroom.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from ...core.errors import FootprintError, InvalidInput, SharingFailed
from ...core.i18n import Catalog
from ...model import periods
from ...model.footprint import Counts
from ..config import Config
from ..store.events import Store

log = logging.getLogger(__name__)

STATE_FILE = "class_sharing.db"
CHECK_EVERY_S = 5.0  # how often the daemon looks at the state (a join from the CLI)
RETRY_FIRST_S, RETRY_MAX_S = 30.0, 3600.0
RETRY_STATUSES = {425, 429, 500, 502, 503, 504}
TIMEOUT = aiohttp.ClientTimeout(total=15)

CountsFor = Callable[[list], Counts]  # the days of a period -> that period's counts

TEXT = Catalog("sharing")


def explanation(info: dict, server: str, lang: str) -> str:
    """The plain explanation shown before joining (CLI and dashboard)."""
    return TEXT("explanation", lang, name=info["name"], server=server, k=info["k"],
                period_word=TEXT(info["period"], lang), clip_prompts=info["clip_prompts"],
                clip_images=info["clip_images"])


def state_path(config: Config) -> Path:
    return config.data_dir / STATE_FILE


def new_pseudonym() -> str:
    return secrets.token_urlsafe(32)


# -- the state file ------------------------------------------------------------------


@contextmanager
def _state(config: Config, create: bool = False) -> Iterator[sqlite3.Connection | None]:
    """The state database, or None when not a member. Never creates it unless joining."""
    path = state_path(config)
    if not create and not path.exists():
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "rwc" if create else "rw"
    try:
        conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, isolation_level=None,
                               timeout=5)
    except sqlite3.OperationalError:  # left a moment ago
        yield None
        return
    try:
        conn.execute("PRAGMA secure_delete=ON")
        conn.row_factory = sqlite3.Row
        if create:
            _create_tables(conn)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        yield conn if "membership" in tables else None
    finally:
        conn.close()


MEMBERSHIP_COLUMNS = ("class_id", "server", "name", "period_kind", "pseudonym", "first_period",
                      "clip_prompts", "clip_images", "send_delay_max_s", "joined")


def _create_tables(db: sqlite3.Connection) -> None:
    # Plain sqlite3, like the daemon's store: no extra imports in the daemon process.
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS membership (class_id TEXT PRIMARY KEY, "
                   "server TEXT, name TEXT, period_kind TEXT, pseudonym TEXT, "
                   "first_period TEXT, clip_prompts INTEGER, clip_images INTEGER, "
                   "send_delay_max_s INTEGER, joined TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS periods (period TEXT PRIMARY KEY, "
                   "send_after TEXT, state TEXT, attempts INTEGER, message TEXT)")


def membership(config: Config) -> dict | None:
    with _state(config) as db:
        row = db.execute("SELECT * FROM membership").fetchone() if db else None
    return dict(row) if row else None


def leave(config: Config) -> bool:
    """Forget the class: delete the state file with the pseudonym. True if there was one."""
    path = state_path(config)
    found = path.exists()
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    return found


# -- talking to the aggregator -------------------------------------------------------


def check_server(server: str) -> str:
    server = server.strip().rstrip("/")
    if not server.startswith(("http://", "https://")) or len(server) > 200:
        raise InvalidInput("The server must be an http:// or https:// address.", "server")
    return server


async def call_aggregator(session: aiohttp.ClientSession, server: str, path: str,
                          body: dict) -> dict:
    """POST JSON; the answer, or SharingFailed saying whether a retry can help."""
    try:
        async with session.post(f"{server}/api/v1/{path}", json=body, timeout=TIMEOUT) as reply:
            try:
                answer = await reply.json(content_type=None)
            except (ValueError, aiohttp.ContentTypeError):
                answer = {}
            if reply.status == 200 and isinstance(answer, dict):
                return answer
            message = (answer.get("error") or {}).get("message") if isinstance(
                answer, dict) else None
            raise SharingFailed(message or f"The aggregator answered {reply.status}.",
                                reply.status, reply.status in RETRY_STATUSES)
    except (TimeoutError, aiohttp.ClientError) as error:
        raise SharingFailed(f"The aggregator at {server} cannot be reached ({error}).") from None


async def lookup_class(server: str, code: str) -> dict:
    async with aiohttp.ClientSession() as session:
        return await call_aggregator(session, check_server(server), "lookup", {"code": code})


def membership_row(info: dict, server: str, pseudonym: str, now: datetime) -> dict:
    """The membership a join with this class info makes (also what the preview uses)."""
    kind = info["period"]
    in_window = periods.periods_in_window(kind, now)
    return {
        "class_id": info["class_id"], "server": check_server(server), "name": info["name"],
        "period_kind": kind, "pseudonym": pseudonym,
        # The first period shared is the one the preview showed at joining.
        "first_period": in_window[-1] if in_window else periods.period_of(kind, now.date()),
        "clip_prompts": info["clip_prompts"], "clip_images": info["clip_images"],
        "send_delay_max_s": info["send_delay_max_s"], "joined": now.date().isoformat(),
    }


async def join(config: Config, server: str, code: str, pseudonym: str,
               now: datetime) -> dict:
    """Register the pseudonym with the aggregator, then write the state file."""
    server = check_server(server)
    async with aiohttp.ClientSession() as session:
        info = await call_aggregator(session, server, "join",
                                     {"code": code, "pseudonym": pseudonym})
    row = membership_row(info, server, pseudonym, now)
    await asyncio.to_thread(_save_membership, config, row)
    return row


def _save_membership(config: Config, row: dict) -> None:
    leave(config)  # one class at a time: a new join replaces the old membership
    with _state(config, create=True) as db, db:
        db.execute(f"INSERT INTO membership ({', '.join(MEMBERSHIP_COLUMNS)}) VALUES "
                   f"({', '.join('?' * len(MEMBERSHIP_COLUMNS))})",
                   [row[column] for column in MEMBERSHIP_COLUMNS])


# -- what is sent --------------------------------------------------------------------


def submission(member: dict, period: str, counts: Counts) -> dict:
    """Exactly the body sent for one period: nothing else leaves the computer."""
    return {
        "class_id": member["class_id"], "period": period, "pseudonym": member["pseudonym"],
        "prompts": min(counts.prompts, member["clip_prompts"]),
        "images": min(counts.images, member["clip_images"]),
    }


def due_periods(member: dict, done: set[str], now: datetime) -> list[str]:
    """Closed periods, still open for submissions, from the first shared one, not yet done."""
    kind = member["period_kind"]
    return [p for p in periods.periods_in_window(kind, now)
            if p >= member["first_period"] and p not in done]


def next_period(member: dict, done: set[str], now: datetime) -> tuple[str, bool]:
    """The period the next submission is about, and whether it has closed already."""
    due = due_periods(member, done, now)
    if due:
        return due[-1], True
    return periods.period_of(member["period_kind"], now.date()), False


def preview(member: dict, done: set[str], counts_for: CountsFor, now: datetime) -> dict:
    """The next submission as it would be sent, with the counts so far."""
    period, closed = next_period(member, done, now)
    days = periods.period_days(member["period_kind"], period)
    return {"closed": closed, "body": submission(member, period, counts_for(days))}


def preview_from_store(store: Store, member: dict, done: set[str], now: datetime) -> dict:
    """preview() with the counts of this store (the daemon runs it on a reader)."""
    return preview(member, done, lambda days: store.counts_between(days[0], days[-1]), now)


def store_counts(config: Config) -> CountsFor:
    """Counts of the student's own database (CLI use; the daemon reads through its store)."""
    def counts_for(days: list) -> Counts:
        store = Store(config.db_path)
        try:
            return store.counts_between(days[0], days[-1])
        finally:
            store.close()

    return counts_for


def sharing_status(config: Config, now: datetime | None = None) -> dict:
    """What the tray and dashboard show: member or not, which class, what was sent."""
    member = membership(config)
    if member is None:
        return {"member": False}
    with _state(config) as db:
        done = [dict(row) for row in db.execute(
            "SELECT * FROM periods ORDER BY period")] if db else []
    period, closed = next_period(member, {p["period"] for p in done}, now or datetime.now())
    return {
        "member": True,
        "class": {"id": member["class_id"], "name": member["name"],
                  "server": member["server"], "period": member["period_kind"]},
        "next_period": period, "next_period_closed": closed,
        "periods": [{"period": p["period"], "state": p["state"], "message": p["message"]}
                    for p in done],
    }


def done_periods(config: Config) -> set[str]:
    """Periods sent or definitely refused (not to be sent again)."""
    with _state(config) as db:
        if db is None:
            return set()
        return {row[0] for row in db.execute("SELECT period FROM periods WHERE state != ?",
                                             ["waiting"])}


# -- the daemon's background task ----------------------------------------------------


async def share_forever(config: Config, counts_for) -> None:
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                await share_due(config, session, counts_for, datetime.now())
            except (FootprintError, sqlite3.Error) as error:
                log.warning("Class sharing could not run: %s", error)
            await asyncio.sleep(CHECK_EVERY_S)


async def share_due(config: Config, session: aiohttp.ClientSession, counts_for,
                    now: datetime) -> None:
    """Send every due period whose (randomly delayed) moment has come."""
    member = await asyncio.to_thread(membership, config)
    if member is None:
        return
    done = await asyncio.to_thread(done_periods, config)
    for period in due_periods(member, done, now):
        send_after = await asyncio.to_thread(_planned_send, config, member, period)
        if send_after is None or now < send_after:
            continue
        days = periods.period_days(member["period_kind"], period)
        body = submission(member, period, await counts_for(days))
        try:
            await call_aggregator(session, member["server"], "submissions", body)
            outcome = {"state": "sent", "message": ""}
        except SharingFailed as error:
            outcome = {"state": "refused", "message": str(error)}
            if error.retry:
                outcome = {"state": "waiting", "message": str(error)}
        await asyncio.to_thread(_record, config, member, period, outcome, now)


def _planned_send(config: Config, member: dict, period: str) -> datetime | None:
    """When to send this period: drawn once, uniformly in the delay after the close."""
    with _state(config) as db:
        if db is None or not _same_member(db, member):
            return None
        planned = db.execute("SELECT send_after FROM periods WHERE period = ?",
                             [period]).fetchone()
        if planned:
            return datetime.fromisoformat(planned[0])
        delay = secrets.SystemRandom().uniform(0, member["send_delay_max_s"])
        send_after = periods.closes_at(member["period_kind"], period) + timedelta(seconds=delay)
        with db:
            db.execute("INSERT INTO periods VALUES (?, ?, 'waiting', 0, '')",
                       [period, send_after.isoformat()])
        return send_after


def _record(config: Config, member: dict, period: str, outcome: dict, now: datetime) -> None:
    with _state(config) as db:
        if db is None or not _same_member(db, member):
            return  # the student left (or joined another class) meanwhile: keep nothing
        attempts = db.execute("SELECT attempts FROM periods WHERE period = ?",
                              [period]).fetchone()[0] + 1
        retry_in = min(RETRY_FIRST_S * 2 ** (attempts - 1), RETRY_MAX_S)
        with db:
            db.execute("UPDATE periods SET state = ?, message = ?, attempts = ?, "
                       "send_after = ? WHERE period = ?",
                       [outcome["state"], outcome["message"], attempts,
                        (now + timedelta(seconds=retry_in)).isoformat(), period])


def _same_member(db: sqlite3.Connection, member: dict) -> bool:
    return db.execute("SELECT COUNT(*) FROM membership WHERE class_id = ? AND pseudonym = ?",
                      [member["class_id"], member["pseudonym"]]).fetchone()[0] == 1
