"""Class sharing, the student's side: join a class, send one clipped total per period.

Off by default: the state file (data_dir/class_sharing.db, its SQL in
store/sharing.py) exists only while the student is a member; `leave` closes and deletes
it, pseudonym and all. The pseudonym is random (secrets.token_urlsafe), made here, and
never derived from anything about the student. The daemon holds the file open through
the core's Database (`ClassSharing`) and is the only one to write it while it runs: the
CLI's join and leave go through its API then; the CLI's reads open the file directly.

Per closed period the daemon sends exactly: class id, period id, pseudonym, and the
prompt, image and video counts of that period clipped to the class's bounds. It waits a
random 0..send_delay_max_s after the close, and retries (with back-off) until the
aggregator answers; a definite refusal (duplicate, period over) is recorded, not
retried. See docs/classroom.md.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import aiohttp

from ...core.database import Database
from ...core.errors import FootprintError, InvalidInput, SharingFailed
from ...core.i18n import Catalog
from ...model import periods
from ...model.footprint import Counts
from ...model.formatting import LANGS, format_number, uses_text
from ..config import Config
from ..store.events import Store
from ..store.sharing import STATE_FILE, SharingStore, delete_state, read_state, state_database

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECK_EVERY_S = 5.0  # how often the daemon looks for a period due to be sent
RETRY_FIRST_S, RETRY_MAX_S = 30.0, 3600.0
RETRY_STATUSES = {425, 429, 500, 502, 503, 504}
TIMEOUT = aiohttp.ClientTimeout(total=15)

CountsFor = Callable[[list], Counts]  # the days of a period -> that period's counts

TEXT = Catalog("sharing")


def explanation(info: dict, server: str, lang: str, stop: str = "stop_cli") -> str:
    """The plain explanation shown before joining: `stop` says how to stop, the CLI's
    command ("stop_cli") or the dashboard's Stop button ("stop_page")."""
    return TEXT("explanation", lang, name=info["name"], server=server, k=info["k"],
                epsilon=format_number(info["epsilon"], lang),
                period_word=TEXT(info["period"], lang), clip_prompts=info["clip_prompts"],
                clip_images=info["clip_images"], clip_videos=info.get("clip_videos", 0),
                stop=TEXT(stop, lang))


def state_path(config: Config) -> Path:
    return config.data_dir / STATE_FILE


def new_pseudonym() -> str:
    return secrets.token_urlsafe(32)


# -- the state, open while a member ---------------------------------------------------


class ClassSharing:
    """The student's state file, open through the core Database only while a member.

    The daemon holds one for its whole life (and the CLI one for a command when no daemon
    runs): open() opens the file if the student is a member, join creates it, leave
    closes and deletes it. Reads and writes run as function(store, *args), store being
    None when not a member.
    """

    def __init__(self, config: Config):
        self.path = state_path(config)
        self.lang = config.lang  # of the class server's answers, and of stored outcomes
        self._db: Database[SharingStore] | None = None
        self._changing = asyncio.Lock()  # one join or leave at a time

    async def open(self) -> None:
        """Open the state file if the student is a member (and it is not open yet)."""
        if self._db is None and self.path.exists():
            await self._open()

    async def _open(self) -> Database[SharingStore]:
        db = state_database(self.path)
        await db.open()
        self._db = db
        return db

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await asyncio.to_thread(db.close)  # waits for its writer to finish

    async def __aenter__(self) -> ClassSharing:
        await self.open()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def read(self, function: Callable[..., T], *args) -> T:
        if self._db is None:
            return function(None, *args)
        return await self._db.read(function, *args)

    async def write(self, function: Callable[..., T], *args) -> T:
        if self._db is None:
            return function(None, *args)
        return await self._db.write(function, *args)

    async def join(self, server: str, code: str, pseudonym: str, now: datetime,
                   lang: str | None = None) -> dict:
        """Register the pseudonym with the aggregator, then write the state file."""
        server = check_server(server)
        async with aiohttp.ClientSession() as session:
            info = await call_aggregator(session, server, "join",
                                         {"code": code, "pseudonym": pseudonym},
                                         lang or self.lang)
        row = membership_row(info, server, pseudonym, now)
        async with self._changing:
            await self._leave()  # one class at a time: a new join replaces the old one
            database = await self._open()
            await database.write(SharingStore.save_membership, row)
        return row

    async def leave(self) -> bool:
        """Forget the class: close and delete the state file with the pseudonym."""
        async with self._changing:
            return await self._leave()

    async def _leave(self) -> bool:
        await self.close()
        return delete_state(self.path)

    async def share_due(self, session: aiohttp.ClientSession, counts_for,
                        now: datetime) -> None:
        """Send every due period whose (randomly delayed) moment has come."""
        member = await self.read(member_of)
        if member is None:
            return
        done = await self.read(done_of)
        for period in due_periods(member, done, now):
            send_after = await self.write(_planned_send, member, period)
            if send_after is None or now < send_after:
                continue
            days = periods.period_days(member["period_kind"], period)
            body = submission(member, period, await counts_for(days))
            try:
                await call_aggregator(session, member["server"], "submissions", body,
                                      self.lang)
                outcome = {"state": "sent", "message": ""}
            except SharingFailed as error:
                said = error.text(self.lang)
                outcome = {"state": "waiting" if error.retry else "refused", "message": said}
            await self.write(_record, member, period, outcome, now)


def member_of(store: SharingStore | None) -> dict | None:
    return store.membership() if store else None


def done_of(store: SharingStore | None) -> set[str]:
    """Periods sent or definitely refused (not to be sent again)."""
    return store.done_periods() if store else set()


def status_of(store: SharingStore | None, now: datetime | None = None) -> dict:
    """What the tray and dashboard show: member or not, which class, what was sent."""
    member = member_of(store)
    if store is None or member is None:
        return {"member": False}
    done = store.periods()
    period, closed = next_period(member, {p["period"] for p in done}, now or datetime.now())
    return {
        "member": True,
        "class": {"id": member["class_id"], "name": member["name"],
                  "server": member["server"], "period": member["period_kind"]},
        "next_period": period, "next_period_closed": closed,
        "periods": [{"period": p["period"], "state": p["state"], "message": p["message"],
                     "label": {lang: periods.period_label(member["period_kind"], p["period"],
                                                          lang) for lang in LANGS}}
                    for p in done],
    }


# The same, read from the file directly (the CLI, also beside a running daemon).


def membership(config: Config) -> dict | None:
    return read_state(state_path(config), member_of)


def done_periods(config: Config) -> set[str]:
    return read_state(state_path(config), done_of)


def sharing_status(config: Config, now: datetime | None = None) -> dict:
    return read_state(state_path(config), status_of, now)


# -- talking to the aggregator -------------------------------------------------------


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_server(server: str) -> str:
    """A class server's address: https://, or http:// only on this computer (a test or a
    proxy beside it), since the pseudonym and counts would otherwise cross the network
    unencrypted."""
    server = server.strip().rstrip("/")
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(server) > 200:
        raise InvalidInput("server_not_https", field="server")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise InvalidInput("server_plain_http", field="server", host=parts.hostname)
    return server


# What a class server's answer to each call must hold; anything else is not a class server.
CLASS_INFO = {"class_id", "name", "period", "k", "epsilon", "clip_prompts", "clip_images",
              "send_delay_max_s"}
EXPECTED_KEYS = {"lookup": CLASS_INFO, "join": CLASS_INFO, "submissions": {"accepted"}}


async def call_aggregator(session: aiohttp.ClientSession, server: str, path: str,
                          body: dict, lang: str | None = None) -> dict:
    """POST JSON; the answer, or SharingFailed saying whether a retry can help. Every
    failure is one sentence (502 when the class server cannot be reached or does not
    answer as one), never an exception that would end as a 500 of the daemon. `lang`:
    the language the class server's own error sentences come in (its Accept-Language)."""
    headers = {"Accept-Language": lang} if lang else {}
    try:
        async with session.post(f"{server}/api/v1/{path}", json=body, timeout=TIMEOUT,
                                headers=headers) as reply:
            try:
                answer = await reply.json(content_type=None)
            except (ValueError, aiohttp.ClientError):
                answer = None
            status = reply.status
    except (TimeoutError, aiohttp.ClientError, ValueError):
        # Connection refused, unknown host, TLS failure, a timeout: the kind is enough;
        # the details (addresses, certificates) are for the class server's admin.
        raise SharingFailed("class_server_unreachable", server=server) from None
    if status == 200 and isinstance(answer, dict) and EXPECTED_KEYS[path] <= set(answer):
        return answer
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        raise SharingFailed("as_answered", status, status in RETRY_STATUSES,
                            message=error["message"][:300])
    raise SharingFailed("not_class_server", 502, status in RETRY_STATUSES, server=server)


async def lookup_class(server: str, code: str, lang: str | None = None) -> dict:
    async with aiohttp.ClientSession() as session:
        return await call_aggregator(session, check_server(server), "lookup", {"code": code},
                                     lang)


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
        # A class server from before videos were shared names no video bound: send none.
        "clip_videos": info.get("clip_videos", 0),
        "send_delay_max_s": info["send_delay_max_s"], "joined": now.date().isoformat(),
    }


# -- what is sent --------------------------------------------------------------------


def submission(member: dict, period: str, counts: Counts) -> dict:
    """Exactly the body sent for one period: nothing else leaves the computer. Videos only
    for a class with a video bound: a class server from before videos refuses the field."""
    body = {
        "class_id": member["class_id"], "period": period, "pseudonym": member["pseudonym"],
        "prompts": min(counts.prompts, member["clip_prompts"]),
        "images": min(counts.images, member["clip_images"]),
    }
    if member["clip_videos"]:
        body["videos"] = min(counts.videos, member["clip_videos"])
    return body


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
    """The next submission as it would be sent, with the counts so far, and in words for
    the student: 'Week 48 (23–29 nov): 17 vragen, 17 afbeeldingen'."""
    period, closed = next_period(member, done, now)
    days = periods.period_days(member["period_kind"], period)
    body = submission(member, period, counts_for(days))
    words = {lang: TEXT("sent_words", lang, uses=uses_text(body, lang),
                        period=periods.period_label(member["period_kind"], period, lang))
             for lang in LANGS}
    return {"closed": closed, "body": body, "words": words}


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


# -- the daemon's background task ----------------------------------------------------


async def share_forever(sharing: ClassSharing, counts_for) -> None:
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                await sharing.share_due(session, counts_for, datetime.now())
            except (FootprintError, sqlite3.Error) as error:
                log.warning("Class sharing could not run: %s", error)
            await asyncio.sleep(CHECK_EVERY_S)


def _planned_send(store: SharingStore | None, member: dict, period: str) -> datetime | None:
    """When to send this period: drawn once, uniformly in the delay after the close."""
    if store is None or not store.is_member(member):
        return None
    planned = store.period(period)
    if planned:
        return datetime.fromisoformat(planned["send_after"])
    delay = secrets.SystemRandom().uniform(0, member["send_delay_max_s"])
    send_after = periods.closes_at(member["period_kind"], period) + timedelta(seconds=delay)
    store.plan_period(period, send_after.isoformat())
    return send_after


def _record(store: SharingStore | None, member: dict, period: str, outcome: dict,
            now: datetime) -> None:
    if store is None or not store.is_member(member):
        return  # the student left (or joined another class) meanwhile: keep nothing
    planned = store.period(period)
    attempts = (planned["attempts"] if planned else 0) + 1
    retry_in = min(RETRY_FIRST_S * 2 ** (attempts - 1), RETRY_MAX_S)
    store.update_period(period, outcome["state"], outcome["message"], attempts,
                        (now + timedelta(seconds=retry_in)).isoformat())
