"""One way into an SQLite file, for every database of the package: `Database`, `connect`.

In the manner of Datasette's Database object: every write runs on ONE writer thread fed
by a queue, reads run on a few reader threads with connections of their own, so sqlite3
never blocks the event loop. The writer commits whatever is queued in ONE transaction
(group commit), each write in its own savepoint, and answers every waiting request only
after COMMIT returned: one fsync for several requests, a failing write is rolled back
alone and blocks no other, and acknowledged still means committed.

What differs between the databases is in `Options`: WAL (the daemon's events: readers
beside the writer) or a rollback journal with secure_delete (where old page images must
not linger in a -wal file), the number of readers, a checkpoint thread, handing memory
back when idle, and a cap on waiting writes. Each database passes its numbered
migrations (core/migrations.py), applied when a connection opens.

Synchronous users (the CLI, one short command) call `connect` and `transaction` directly:
the same opening, migrations and transactions, without threads.

Plain sqlite3: the core loads nothing else (sqlite-utils would cost the daemon +21 MB);
a database with a connection wrapper of its own (the class server's) passes it (`wrap`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import logging
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .errors import Busy, DatabaseError, DiskFull
from .migrations import check_version, migrate

log = logging.getLogger("aifootprint")

T = TypeVar("T")
H = TypeVar("H")

BUSY_TIMEOUT_S = 5
# Writes committed together at most: enough to share one fsync, short enough that the
# first of them is answered soon.
MAX_GROUP = 64
# With a checkpoint thread the writer leaves checkpoints (copying the WAL into the database
# file, with fsyncs) to it; it does one itself only if the WAL passes this many pages (80 MB
# when that thread cannot keep up), and a reset WAL is cut back to WAL_KEEP_BYTES.
WRITER_CHECKPOINT_PAGES = 20000
WAL_KEEP_BYTES = 8 * 1024 * 1024
CHECKPOINT_INTERVAL_S = 0.25
# Once writes pause this long, the writer hands memory back (see release_memory).
RELEASE_AFTER_IDLE_S = 1.0


@dataclass(frozen=True)
class Options:
    """How one database is used."""

    # False: a rollback journal with secure_delete, so no -wal file keeps old images of
    # pages and deleted rows are zeroed; readers then wait for a COMMIT and vice versa.
    wal: bool = True
    readers: int = 1
    checkpoints: bool = False  # a checkpoint thread beside the writer (WAL only)
    release_memory: bool = False  # once writes pause, empty caches and trim the heap
    max_pending_writes: int | None = None  # beyond it a write is refused with Busy (503)


def connect(path: Path, migrations: tuple, options: Options, create: bool = True,
            wrap: Callable[[sqlite3.Connection], Any] | None = None) -> sqlite3.Connection:
    """Open the file and apply the migrations it lacks; a database from the future is refused
    and not touched. create=False: FileNotFoundError if there is no such file.

    `wrap` is what migrations are given instead of the bare connection (the class
    server's aggregator.sql.SQLiteConnection). The connection is in autocommit mode: writes
    take `transaction`.
    """
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Made here, so that only the user reads it (SQLite gives its -wal the same mode).
        # Never opened if it exists: closing any descriptor of a file drops all of this
        # process's POSIX locks on it, those of its open SQLite connections too.
        with contextlib.suppress(FileExistsError):
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True,
                               isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_S)
    except sqlite3.OperationalError as error:
        if not path.exists():
            raise FileNotFoundError(path) from None
        raise DatabaseError("database_unopenable", path=path, error=error) from None
    try:
        # Before the journal mode: switching it writes the header of a file from the future.
        check_version(conn, path, len(migrations))
        if options.wal:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: every COMMIT waits for the WAL's fsync, so what the daemon acknowledged
            # survives a power cut too, not only a crash (NORMAL syncs at checkpoints only).
            # Group commit keeps it cheap: one fsync for every batch queued meanwhile;
            # measured in docs/daemon.md, and tests/test_durability.py traces the order.
            conn.execute("PRAGMA synchronous = FULL")
        else:
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA secure_delete = ON")
        migrate(wrap(conn) if wrap else conn, path, migrations)
    except sqlite3.DatabaseError as error:
        conn.close()
        if isinstance(full := storage_error(error), DiskFull):
            raise full from None
        raise DatabaseError("database_unusable", path=path, error=error) from None
    except BaseException:
        conn.close()
        raise
    return conn


def quick_check(path: Path) -> str | None:
    """None if SQLite's `PRAGMA quick_check` finds the file sound, else what it found (or
    the error that stopped it: a file that is no database at all). Writes nothing itself;
    opened read-write (never created) so that SQLite can recover a WAL left by a killed
    process, as any connection would, instead of refusing it as read-only.

    quick_check is integrity_check without the index-content cross-checks: every page is
    read and every b-tree's structure verified, in time linear in the file's size
    (https://www.sqlite.org/pragma.html#pragma_quick_check); benchmarks/bench_daemon.py
    times it on a year of events.
    """
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True,
                               timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        return str(error)
    try:
        found = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.Error as error:
        return str(error)
    finally:
        conn.close()
    # One line for a one-sentence message: "*** in database main ***\nPage 3: ..." as
    # "Page 3: ...".
    found = " ".join(found.replace("*** in database main ***", "").split())
    return None if found == "ok" else found


def backup(source: Path, target: Path) -> None:
    """Copy the database `source` into `target` (mode 0600), or leave `target` untouched.

    SQLite's online backup API (Python's Connection.backup) in one step: one read
    transaction, so one consistent snapshot even while the daemon writes; in WAL mode a
    reader never blocks the writer (https://www.sqlite.org/wal.html). Written to a
    temporary file, synced, then renamed into place, so a crash or a full disk never
    leaves half a backup under the target's name.
    """
    temporary = target.with_name(target.name + ".part")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with contextlib.closing(sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro",
                                                uri=True, timeout=BUSY_TIMEOUT_S)) as reader, \
                contextlib.closing(sqlite3.connect(temporary, isolation_level=None)) as copy:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all or nothing.

    Inside an open transaction (the writer's group commit) it is a SAVEPOINT, so one
    failing part is rolled back alone.
    """
    begin, commit, rollback = (
        ("SAVEPOINT part", "RELEASE part", "ROLLBACK TO part; RELEASE part")
        if conn.in_transaction else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
    )
    conn.execute(begin)
    try:
        yield conn
    except BaseException:
        # On SQLITE_FULL or an I/O error SQLite may have rolled the whole transaction back
        # itself (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within
        # A Transaction"): then there is nothing left to roll back, and the error stands.
        if conn.in_transaction:
            for statement in rollback.split("; "):
                conn.execute(statement)
        raise
    conn.execute(commit)


class Database(Generic[H]):
    """One SQLite file used from asyncio: `write` on the writer thread, `read` beside it.

    A write or read is `function(handle, *args)`, where the handle is what `handle`
    makes of the thread's connection (a store object with the database's SQL, say), so
    per-connection caches stay with their connection. Writes waiting beyond
    options.max_pending_writes are refused with Busy (503): a flood gets a quick answer
    to retry instead of an ever-growing queue.
    """

    def __init__(self, path: Path, migrations: tuple, options: Options,
                 handle: Callable[[Any], H] = lambda conn: conn,
                 wrap: Callable[[sqlite3.Connection], Any] | None = None):
        self.path = path
        self.migrations = migrations
        self.options = options
        self.max_pending_writes = options.max_pending_writes
        self._handle = handle
        self._wrap = wrap
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._local = threading.local()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers = ThreadPoolExecutor(options.readers,
                                           thread_name_prefix=f"{path.stem}-reader")
        self._pending_writes = 0
        self._checkpointer: threading.Thread | None = None
        self._wrote = threading.Event()  # set by the writer after each commit
        self._closing = threading.Event()

    def _connect(self) -> tuple[sqlite3.Connection, H]:
        conn = connect(self.path, self.migrations, self.options, wrap=self._wrap)
        with self._connections_lock:
            self._connections.append(conn)
        return conn, self._handle(self._wrap(conn) if self._wrap else conn)

    async def open(self) -> None:
        """Create and migrate the database, then start the writer (raises DatabaseError)."""
        loop = asyncio.get_running_loop()
        conn, handle = await loop.run_in_executor(self._readers, self._connect)
        self._writer = threading.Thread(target=self._write_loop, args=(conn, handle),
                                        name=f"{self.path.stem}-writer", daemon=True)
        self._writer.start()
        if self.options.checkpoints:
            checkpoint_conn, _ = await loop.run_in_executor(self._readers, self._connect)
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, args=(checkpoint_conn,),
                name=f"{self.path.stem}-checkpoint", daemon=True)
            self._checkpointer.start()

    async def write(self, function: Callable[..., T], *args) -> T:
        """Run function(handle, *args) in its savepoint on the writer; returns after COMMIT."""
        if self.max_pending_writes is not None and \
                self._pending_writes >= self.max_pending_writes:
            raise Busy("too_many_writes")
        self._pending_writes += 1
        try:
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._queue.put((function, args, loop, future))
            return await future
        finally:
            self._pending_writes -= 1

    async def read(self, function: Callable[..., T], *args) -> T:
        """Run function(handle, *args) on a reader thread, with that thread's connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read_call, function, args)

    def _read_call(self, function: Callable[..., T], args: tuple) -> T:
        handle = getattr(self._local, "handle", None)
        if handle is None:
            _, handle = self._connect()
            self._local.handle = handle
        return function(handle, *args)

    def _write_loop(self, conn: sqlite3.Connection, handle: H) -> None:
        if self.options.checkpoints:
            conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_KEEP_BYTES}")
        while (first := self._next_write(conn)) is not None:
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(item)
            for (_, _, loop, future), outcome in zip(group, _commit_group(conn, handle, group),
                                                     strict=True):
                loop.call_soon_threadsafe(_settle, future, outcome)
            self._wrote.set()

    def _next_write(self, conn: sqlite3.Connection) -> tuple | None:
        """The next queued write; with release_memory, memory is handed back once writes
        pause, then it waits without a timeout, so an idle process never wakes up."""
        if not self.options.release_memory:
            return self._queue.get()
        try:
            return self._queue.get(timeout=RELEASE_AFTER_IDLE_S)
        except queue.Empty:
            release_memory(conn)
            return self._queue.get()

    def _checkpoint_loop(self, conn: sqlite3.Connection) -> None:
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
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as error:  # a full disk: the WAL keeps the pages meanwhile
                log.warning("checkpoint postponed: %s", error)
            if self._closing.wait(CHECKPOINT_INTERVAL_S):
                return

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
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()


def _commit_group(conn: sqlite3.Connection, handle: Any, group: list) -> list[tuple[bool, Any]]:
    """Run each write in its savepoint inside one transaction: [(ok, result or error)]."""
    outcomes: list[tuple[bool, Any]] = []
    try:
        with transaction(conn):
            for function, args, _, _ in group:
                try:
                    with transaction(conn):  # this write alone is rolled back if it fails
                        outcomes.append((True, function(handle, *args)))
                except Exception as error:
                    if not conn.in_transaction:  # SQLite rolled the group back (disk full)
                        raise
                    outcomes.append((False, storage_error(error)))
    except Exception as error:  # nothing of the group is stored
        return [(False, storage_error(error))] * len(group)
    return outcomes


# SQLITE_IOERR_SHMSIZE: the WAL's -shm file could not be enlarged, which "may indicate that
# the underlying filesystem volume is out of space" (https://www.sqlite.org/rescode.html);
# on a full tmpfs it is what opening a connection answers.
FULL_DISK_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE")


def storage_error(error: Exception) -> Exception:
    """A full disk as DiskFull (503 with Retry-After: nothing was stored, retry later);
    any other error as it is."""
    full = (isinstance(error, sqlite3.Error) and error.sqlite_errorname in FULL_DISK_ERRORS) \
        or (isinstance(error, OSError) and error.errno == errno.ENOSPC)
    if full:
        return DiskFull("disk_full")
    return error


def _settle(future: asyncio.Future, outcome: tuple[bool, Any]) -> None:
    if future.cancelled():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


def release_memory(conn: sqlite3.Connection) -> None:
    """Empty the connection's page cache and give the heap's free pages back to the OS.

    glibc keeps freed memory for reuse, so without malloc_trim the process's RSS would
    stay at its peak after a burst of writes; elsewhere (no glibc) only SQLite's cache
    is released.
    """
    conn.execute("PRAGMA shrink_memory")
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
