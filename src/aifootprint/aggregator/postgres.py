"""The class server on PostgreSQL (`--database postgresql://...`), with psycopg 3.

Several class-server processes, on one machine or several, share one database; what
keeps a submission counted once and a period released once is in the SQL itself
(store.py), with PostgreSQL's row locks under its default READ COMMITTED isolation:
an INSERT that meets a unique key another transaction is writing waits for it, and a
DELETE waits for the row's lock and then sees whether the row is still there
(https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED).

`PostgresDatabase` is what core.database.Database is for SQLite (open, write, read,
close), without a single writer: each call runs on one of a few threads, each with its
own connection, and PostgreSQL orders concurrent writes. Migrations are the same
numbered functions as on SQLite, tracked in a `schema_version` table instead of
PRAGMA user_version, applied under an advisory lock so that processes starting together
migrate once.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from ..core.errors import Busy, ConfigError, DatabaseError
from ..core.migrations import newer_schema
from .sql import SqlConnection

T = TypeVar("T")
H = TypeVar("H")

# Connections per class-server process: enough to keep a core busy while others wait on
# the network or on a row lock; 4 processes x 8 stay far below PostgreSQL's default
# max_connections of 100.
POOL_SIZE = 8
CONNECT_TIMEOUT_S = 10
# Any fixed number: the advisory lock that serialises migrations across processes.
MIGRATION_LOCK = 47480


def describe(dsn: str) -> str:
    """Host, port and database of a DSN for messages: never its password."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as error:
        raise ConfigError("database_address_unusable", reason=str(error)) from None
    return (f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}"
            f"/{parts.get('dbname') or parts.get('user') or ''}")


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """The store's `?` placeholders in psycopg's spelling (its SQL has no literal %)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresConnection(SqlConnection):
    for_update = " FOR UPDATE"
    # The weakest row lock: others may read the row and lock it alike, not delete it.
    for_key_share = " FOR KEY SHARE"

    def __init__(self, conn: psycopg.Connection[dict[str, Any]]):
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        cursor = self.conn.execute(_placeholders(sql), params)  # type: ignore[call-overload]
        return cursor.fetchall() if cursor.description else []

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(_placeholders(sql), params).rowcount  # type: ignore[call-overload]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # psycopg: BEGIN/COMMIT on an autocommit connection, a savepoint when nested.
        with self.conn.transaction():
            yield

    def close(self) -> None:
        self.conn.close()


def connect(dsn: str, migrations: tuple) -> PostgresConnection:
    """A connection in autocommit mode (writes take `transaction`), migrated."""
    where = describe(dsn)
    try:
        conn = psycopg.connect(dsn, autocommit=True, row_factory=dict_row,
                               connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as error:
        # libpq's first line says what failed (refused, no such host, authentication).
        reason = str(error).strip().splitlines()[0].rstrip(".")
        raise DatabaseError("database_unreachable", where=where, reason=reason) from None
    db = PostgresConnection(conn)
    try:
        migrate(db, where, migrations)
    except psycopg.Error as error:
        conn.close()
        raise DatabaseError("database_cannot_be_used", where=where, reason=str(error)) from None
    except BaseException:
        conn.close()
        raise
    return db


def m000_create_schema_version(db: SqlConnection) -> None:
    """PostgreSQL's stand-in for SQLite's user_version: one row, the schema's number.
    Made only where missing, so a role that may not create tables (docs/deploy.md) can
    open a database that is up to date."""
    if db.value("SELECT to_regclass('schema_version') IS NULL"):
        db.run("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.run("INSERT INTO schema_version VALUES (0)")


def migrate(db: SqlConnection, where: str, migrations: tuple) -> int:
    """Apply the migrations the database lacks, each in its transaction with its number;
    a database from a newer version is refused before anything is written."""
    applied = 0
    while True:
        with db.transaction():
            db.run("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
            m000_create_schema_version(db)
            version = db.value("SELECT version FROM schema_version")
            if version > len(migrations):
                raise newer_schema(where, version, len(migrations))
            if version == len(migrations):
                return applied
            migrations[version](db)
            db.run("UPDATE schema_version SET version = ?", [version + 1])
        applied += 1


class PostgresDatabase(Generic[H]):
    """PostgreSQL used from asyncio: each call is function(handle, *args) on a pool thread,
    with that thread's connection (made and migrated on first use)."""

    def __init__(self, dsn: str, migrations: tuple, handle: Callable[[PostgresConnection], H],
                 size: int = POOL_SIZE):
        self.dsn = dsn
        self.migrations = migrations
        self._handle = handle
        self._threads = ThreadPoolExecutor(size, thread_name_prefix="postgres")
        self._local = threading.local()
        self._connections: list[PostgresConnection] = []
        self._connections_lock = threading.Lock()
        self._opened = False  # once open, a database that went away is "try again" (503)

    async def open(self) -> None:
        """Connect and migrate once, so a wrong address stops the server as it starts."""
        await self.read(lambda handle: None)
        self._opened = True

    async def write(self, function: Callable[..., T], *args) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._call, function, args)

    read = write  # no single writer: PostgreSQL orders the writes of every process

    def _call(self, function: Callable[..., T], args: tuple) -> T:
        handle = getattr(self._local, "handle", None) or self._connect_thread()
        try:
            return function(handle, *args)
        except psycopg.OperationalError:
            # The server went away or restarted: reconnect on the next call.
            self._drop_connection()
            raise Busy("database_not_answering") from None

    def _connect_thread(self) -> H:
        try:
            conn = connect(self.dsn, self.migrations)
        except DatabaseError:
            if self._opened:
                raise Busy("database_not_answering") from None
            raise
        with self._connections_lock:
            self._connections.append(conn)
        self._local.conn, self._local.handle = conn, self._handle(conn)
        return self._local.handle

    def _drop_connection(self) -> None:
        conn = self._local.conn
        self._local.conn = self._local.handle = None
        with self._connections_lock:
            self._connections.remove(conn)
        conn.close()

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
