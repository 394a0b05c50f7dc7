"""Start the real aggregator (`aifootprint aggregator serve`) on a free loopback port.

Used by tests/test_aggregator.py, tests/test_classroom.py and benchmarks/bench_aggregator.py.
With `clock`, the server reads "now" from that file (AIFOOTPRINT_AGGREGATOR_TEST_CLOCK).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aifootprint.aggregator.store import open_database

REPO = Path(__file__).resolve().parents[1]


def aifootprint_env(**extra: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **extra}
    env.pop("AIFOOTPRINT_HOME", None)
    return env


@dataclass(frozen=True)
class ClassDatabase:
    """Where a test's class servers keep their state (the `class_db` fixture)."""

    url: str | None  # a postgresql:// address; None: the SQLite file under --home

    @property
    def options(self) -> tuple[str, ...]:
        """What `aggregator serve`, create-class, release and report are given."""
        return ("--database", self.url) if self.url else ()

    def sums(self, home: Path) -> list[tuple]:
        """The exact running sums, read from the database itself (stored_sums)."""
        return stored_sums(self.url or home / "data" / "aggregator.db")


def stored_sums(database: Path | str) -> list[tuple]:
    """Each row as (class_id, period, prompts, images, participants, videos, energy): the
    columns in the order the migrations made them."""
    db = open_database(database)
    try:
        return [tuple(row.values()) for row in db.rows(
            "SELECT class_id, period, prompts, images, participants, videos, energy FROM sums "
            "ORDER BY class_id, period")]
    finally:
        db.close()


@dataclass
class AggregatorProcess:
    url: str
    home: Path
    process: subprocess.Popen

    def stop(self) -> str:
        """SIGTERM, wait, and close the pipes; returns what the server wrote to stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        _, errors = self.process.communicate(timeout=10)
        return errors


def start_aggregator(home: Path, clock: Path | None = None, port: int = 0,
                     options: tuple[str, ...] = ()) -> AggregatorProcess:
    extra = {"AIFOOTPRINT_AGGREGATOR_TEST_CLOCK": str(clock)} if clock else {}
    process = subprocess.Popen(
        [sys.executable, "-m", "aifootprint", "aggregator", "serve", "--home", str(home),
         "--port", str(port), "--lang", "en", *options],
        env=aifootprint_env(**extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"(https?://127\.0\.0\.1:\d+)", line or "")
        if match:
            return AggregatorProcess(match[1], home, process)
        if process.poll() is not None:
            break
    process.kill()
    _, errors = process.communicate(timeout=10)
    raise RuntimeError(f"the aggregator did not start: {errors}")


def run_cli(*args: str, clock: Path | None = None, input: str | None = None
            ) -> subprocess.CompletedProcess:
    extra = {"AIFOOTPRINT_AGGREGATOR_TEST_CLOCK": str(clock)} if clock else {}
    return subprocess.run([sys.executable, "-m", "aifootprint", *args], env=aifootprint_env(
        **extra), capture_output=True, text=True, input=input, timeout=60)


def create_class(home: Path, *options: str) -> dict:
    """Run `aggregator create-class`; returns class_id, join_code, teacher_key, the join
    link and the output (its QR code is written beside the home, not in it)."""
    done = run_cli("aggregator", "create-class", "--home", str(home), "--lang", "en",
                   "--qr-dir", str(home.parent / "qr"), *options)
    assert done.returncode == 0, done.stderr
    return {
        "class_id": re.search(r"id ([0-9a-f]{16})", done.stdout)[1],
        "join_code": re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", done.stdout)[1],
        "teacher_key": re.search(r"now\): (\S+)", done.stdout)[1],
        "join_link": re.search(r"(http://127\.0\.0\.1:47474/#\S+)", done.stdout)[1],
        "output": done.stdout,
    }
