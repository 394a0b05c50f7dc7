"""The runner of numbered schema migrations, tracked by PRAGMA user_version.

Each migration runs in one transaction together with its user_version bump, so a
crash leaves the database at the previous version, never half-way. Never edit a
shipped migration: add the next number. A database written by a newer version of
the program is refused with a clear DatabaseError and left exactly as it was.
"""

from __future__ import annotations

import sqlite3

from .errors import DatabaseError


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_version(db: sqlite3.Connection, path: object, latest: int) -> int:
    """The database's version; DatabaseError, before anything is written, if it is newer."""
    version = schema_version(db)
    if version > latest:
        raise newer_schema(path, version, latest)
    return version


def newer_schema(path: object, version: int, latest: int) -> DatabaseError:
    """The refusal of a database from the future (also the class server's PostgreSQL)."""
    return DatabaseError("database_newer", path=path, version=version, latest=latest)


def migrate(db, path: object, migrations: tuple) -> int:
    """Apply every migration the database lacks; returns how many were applied.

    Each database passes its own numbered migrations. The connection must be in
    autocommit mode (isolation_level=None) so that the BEGIN IMMEDIATE here is the only
    transaction boundary.
    """
    applied = 0
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = check_version(db, path, len(migrations))
            if version == len(migrations):
                db.execute("ROLLBACK")
                return applied
            migrations[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
            applied += 1
        except BaseException:
            db.execute("ROLLBACK")
            raise
