"""A throwaway PostgreSQL server for the class server's tests and benchmark.

Debian's `postgresql` package (scripts/test.sh and .ci/run install it) brings initdb and
pg_ctl under /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root, and
the tests run as root in CI, so the cluster is made and run as the `postgres` system user
(runuser) in a temporary folder of its own, listening on a free loopback port only, with
trust authentication (nothing but this machine reaches it) and removed at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from daemon_process import free_port

# Tests need no durability: a cluster that skips fsync starts and commits faster. The
# benchmark keeps PostgreSQL's durable defaults.
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's newest version."""
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda path: int(path.parent.parent.name))
    return versions[-1].parent if versions else None


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin: Path

    def dsn(self, schema: str | None = None) -> str:
        """The address of the cluster's database; with a schema, one whose tables go there
        (search_path), so each test gets empty tables without the cost of a database."""
        address = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        return f"{address}?options=-csearch_path%3D{schema}" if schema else address

    def new_schema(self) -> str:
        """A fresh, empty schema; the address of the database with its tables there."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE SCHEMA {name}")
        return self.dsn(name)

    def sql(self, statement: str, dsn: str | None = None) -> list[tuple]:
        with psycopg.connect(dsn or self.dsn(), autocommit=True) as conn:
            cursor = conn.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def files(self) -> list[Path]:
        """Every file of the cluster (the tables, the WAL): what a disk would hold, after a
        checkpoint has written every table's pages to their files."""
        self.sql("CHECKPOINT")
        return [path for path in (self.folder / "data").rglob("*") if path.is_file()]

    def stop(self) -> None:
        as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                     "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def as_postgres(command: list[str]) -> None:
    """Run as the postgres system user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{command[-1]} failed: {done.stdout}{done.stderr}")


def start_postgres(settings: tuple[str, ...] = FAST) -> PostgresServer:
    """initdb and start a cluster; RuntimeError when PostgreSQL is not installed."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    # Not under pytest's temporary folders: those are private to root, and the server
    # runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="aifootprint-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    as_postgres([str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"])
    options = " ".join(f"-c {setting}" for setting in (
        "listen_addresses=127.0.0.1", f"port={port}", f"unix_socket_directories={folder}",
        *settings))
    as_postgres([str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-o", options,
                 "-l", str(folder / "server.log"), "-w", "start"])
    return PostgresServer(folder, port, binaries)
