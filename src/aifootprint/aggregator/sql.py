"""The class server's SQL runs on SQLite or PostgreSQL through one small interface.

The store (store.py) writes its rules once, in SQL both understand: `?` placeholders,
`INSERT ... ON CONFLICT` for upserts and refusals of a second row, `DELETE ... RETURNING`
to take a row exactly once. A backend adds only what differs: how a transaction (or,
inside one, a savepoint) begins and ends, how placeholders are spelled, and whether a
read can lock the rows it reads (`for_update`, or `for_key_share` for a row that must
only not be deleted meanwhile; SQLite needs neither, its write transactions run one at a
time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TypeVar

from ..core.database import transaction

T = TypeVar("T")


class DatabaseAccess(Protocol):
    """How the server uses its database, on either backend: core.database.Database (SQLite)
    or postgres.PostgresDatabase; each call is function(store, *args) on a thread."""

    async def open(self) -> None: ...

    async def write(self, function: Callable[..., T], *args: Any) -> T: ...

    async def read(self, function: Callable[..., T], *args: Any) -> T: ...

    def close(self) -> None: ...


class SqlConnection:
    """One connection; `rows`, `run` and `transaction` are the backend's."""

    for_update = ""  # appended to a SELECT whose rows the transaction must hold
    for_key_share = ""  # ... whose rows no other transaction may delete until this one ends

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        raise NotImplementedError

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a statement; how many rows it changed."""
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager:
        """All or nothing; inside an open transaction, a savepoint."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        (row,) = self.rows(sql, params)
        return next(iter(row.values()))

    def insert(self, table: str, values: dict) -> None:
        """One row; table and column names come from the store, never from a request."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.run(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))


class SQLiteConnection(SqlConnection):
    """A sqlite3 connection in autocommit mode (core.database opens it); transactions are
    core.database.transaction, so the writer's group commit nests them as savepoints."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """The bare cursor, for core's migration runner (PRAGMA user_version)."""
        return self.conn.execute(sql, params)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with transaction(self.conn):
            yield

    def close(self) -> None:
        self.conn.close()
