"""Class submissions per second at national scale: SQLite, and 1, 2 and 4 class-server
processes on one PostgreSQL, in one run.

    python benchmarks/class_server.py [--students 6000] [--concurrency 64] [--loaders 2]
                                      [--profile]

The need: 2.4 million students submitting in one busy hour is about 670 a second; the
target is 3x that (2,000/s) with 4 processes. For each setup: a fresh database (a SQLite
file, or an empty schema of a throwaway PostgreSQL server with its durable defaults,
tests/postgres_server.py), classes of 30 students of day periods (yesterday is closed
and open, so no test clock), every student joined directly through the store, the
submissions in random order (each daemon sends after its own random delay), then the
`aifootprint aggregator serve` processes, each on a loopback port of its own, and
--loaders load-generator processes that send one submission per student, spread over
the servers, --concurrency in flight in all. A submission counts when its 200 came back
(after its COMMIT). Printed: submissions/s, where the CPU went, in ms per submission
(the server processes, PostgreSQL's backends, the load generators: all on the same
cores, so their sum bounds the rate), and PostgreSQL's WAL fsyncs per submission and
their average duration (the wait that is not CPU). With --profile (py-spy installed:
`pip install py-spy`), where the one PostgreSQL server's CPU went, sampled on CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from aggregator_process import start_aggregator  # noqa: E402
from aifootprint.aggregator.store import (  # noqa: E402
    AggregatorStore,
    ClassSettings,
    load_secret,
    open_database,
)
from aifootprint.model.class_precision import energy_weights  # noqa: E402
from aifootprint.model.factors import load_factors  # noqa: E402
from postgres_server import start_postgres  # noqa: E402

CLASS_SIZE = 30
SETUPS = [("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 4)]
NEED, TARGET = 670, 2000
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def wal_syncs(postgres) -> tuple[int, float]:
    """PostgreSQL's WAL fsyncs so far and the ms they took (track_wal_io_timing)."""
    ((count, ms),) = postgres.sql("SELECT wal_sync, wal_sync_time FROM pg_stat_wal")
    return count, ms


def postgres_pids(folder: Path) -> list[int]:
    """The postmaster and its children (every backend) of the benchmark's cluster."""
    main = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{main}/task/{main}/children").read_text().split()
    return [main, *map(int, children)]


# What a sampled stack of the server was doing, by the first of these it passes through.
PROFILE_PARTS = [("psycopg", "psycopg: the SQL statements (send, wait, read)"),
                 ("pydantic", "pydantic: the submission model"),
                 ("hmac", "the keyed hashes"),
                 ("aiohttp", "aiohttp and JSON: HTTP in and out"),
                 ("json", "aiohttp and JSON: HTTP in and out"),
                 ("concurrent/futures", "handing calls to a pool thread and back"),
                 ("threading.py", "handing calls to a pool thread and back"),
                 ("asyncio", "the asyncio event loop"),
                 ("selectors", "the asyncio event loop")]


def profile_shares(raw: Path) -> dict[str, float]:
    """py-spy's raw (collapsed) stacks as shares of the samples per part."""
    shares: dict[str, float] = {}
    lines = [line.rstrip().rpartition(" ") for line in raw.read_text().splitlines()]
    total = sum(int(count) for _, _, count in lines)
    for stack, _, count in lines:
        part = next((name for key, name in PROFILE_PARTS if key in stack), "other")
        shares[part] = shares.get(part, 0) + int(count) / total
    return dict(sorted(shares.items(), key=lambda item: -item[1]))


def seed(database: Path | str, secret_path: Path, students: int) -> list[dict]:
    """Classes of CLASS_SIZE, every student joined (one transaction); the submissions,
    within a day class's default bounds (20 prompts, 10 images, 1 video)."""
    store = AggregatorStore(open_database(database), load_secret(secret_path))
    weights = energy_weights(load_factors())
    now = datetime.now()
    period = (date.today() - timedelta(days=1)).isoformat()
    bodies = []
    with store.db.transaction():
        for first in range(0, students, CLASS_SIZE):
            made = store.create_class(ClassSettings(f"klas {first // CLASS_SIZE}", "day",
                                                    max_students=CLASS_SIZE), weights, now)
            for _ in range(min(CLASS_SIZE, students - first)):
                pseudonym = secrets.token_urlsafe(32)
                store.join(made["join_code"], pseudonym, now)
                bodies.append({"class_id": made["class_id"], "period": period,
                               "pseudonym": pseudonym, "prompts": secrets.randbelow(21),
                               "images": secrets.randbelow(11),
                               "videos": secrets.randbelow(2)})
    store.close()
    # Students send when their own daemon's delay ends, not class by class.
    return random.sample(bodies, len(bodies))


def load(urls: list[str], bodies: list[dict], concurrency: int, barrier) -> tuple:
    """One load-generator process: (started, ended, its CPU seconds)."""
    return asyncio.run(_load(urls, bodies, concurrency, barrier))


async def _load(urls, bodies, concurrency, barrier) -> tuple:
    work = iter(enumerate(bodies))

    async def worker(session: aiohttp.ClientSession) -> None:
        for number, body in work:
            url = f"{urls[number % len(urls)]}/api/v1/submissions"
            async with session.post(url, json=body) as reply:
                if reply.status != 200:
                    raise RuntimeError(f"{reply.status}: {await reply.text()}")

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        barrier.wait()
        cpu, started = time.process_time(), time.time()
        await asyncio.wait_for(asyncio.gather(*(worker(session) for _ in range(concurrency))),
                               timeout=300)
        return started, time.time(), time.process_time() - cpu


def run_setup(backend: str, processes: int, postgres, students: int, concurrency: int,
              loaders: int, profile: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        database = postgres.new_schema() if backend == "PostgreSQL" else \
            home / "data" / "aggregator.db"
        bodies = seed(database, home / "data" / "aggregator.secret", students)
        options = ("--database", database) if backend == "PostgreSQL" else ()
        servers = [start_aggregator(home, options=options) for _ in range(processes)]
        try:
            urls = [server.url for server in servers]
            server_pids = [server.process.pid for server in servers]
            database_pids = postgres_pids(postgres.folder) if backend == "PostgreSQL" else []
            spy = subprocess.Popen(
                ["py-spy", "record", "--pid", str(server_pids[0]), "--threads", "--format",
                 "raw", "--output", str(profile)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) if profile else None
            context = multiprocessing.get_context("spawn")
            with context.Manager() as manager, context.Pool(loaders) as pool:
                barrier = manager.Barrier(loaders)
                shares = [bodies[n::loaders] for n in range(loaders)]
                before = cpu_seconds(server_pids), cpu_seconds(database_pids)
                syncs_before = wal_syncs(postgres)
                running = [pool.apply_async(load, (urls, share, concurrency // loaders,
                                                   barrier)) for share in shares]
                results = [result.get(timeout=600) for result in running]
                # Backends started during the run count too: the cluster's processes now.
                database_pids = postgres_pids(postgres.folder) if database_pids else []
                after = cpu_seconds(server_pids), cpu_seconds(database_pids)
                syncs = [a - b for a, b in zip(wal_syncs(postgres), syncs_before, strict=True)]
            if spy:
                spy.send_signal(signal.SIGINT)  # py-spy writes its samples and stops
                spy.wait(timeout=60)
        finally:
            for server in servers:
                server.stop()
    seconds = max(r[1] for r in results) - min(r[0] for r in results)
    per = 1000 / students
    return {"backend": backend, "processes": processes, "per_s": students / seconds,
            "server_ms": (after[0] - before[0]) * per,
            "database_ms": (after[1] - before[1]) * per,
            "load_ms": sum(r[2] for r in results) * per,
            # SQLite's fsyncs are not counted here; its writer makes one per group commit.
            "syncs": syncs[0] / students if database_pids else None,
            "sync_ms": syncs[1] / syncs[0] if database_pids and syncs[0] else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--loaders", type=int, default=2)
    parser.add_argument("--profile", action="store_true",
                        help="sample the one-process PostgreSQL server with py-spy")
    args = parser.parse_args()
    load_average = os.getloadavg()[0]
    # PostgreSQL's durable defaults (fsync on), timing its WAL fsyncs.
    postgres = start_postgres(settings=("track_wal_io_timing=on",))
    samples = Path(tempfile.mkdtemp()) / "server.raw"
    try:
        rows = [run_setup(backend, processes, postgres, args.students, args.concurrency,
                          args.loaders, samples if args.profile and
                          (backend, processes) == ("PostgreSQL", 1) else None)
                for backend, processes in SETUPS]
    finally:
        postgres.stop()
    print(f"{args.students} students in classes of {CLASS_SIZE}, {args.concurrency} in flight "
          f"from {args.loaders} load processes; {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load_average:.1f} before the run")
    print(f"need {NEED}/s (2.4 million in a busy hour), target {TARGET}/s with 4 processes")
    print("| database | processes | submissions/s | x need | CPU ms per submission: "
          "servers | PostgreSQL | load generator | WAL fsyncs per submission | ms each |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        syncs = "-" if row["syncs"] is None else f"{row['syncs']:.2f}"
        sync_ms = "-" if row["sync_ms"] is None else f"{row['sync_ms']:.1f}"
        print(f"| {row['backend']} | {row['processes']} | {row['per_s']:,.0f} | "
              f"{row['per_s'] / NEED:.1f} | {row['server_ms']:.2f} | "
              f"{row['database_ms']:.2f} | {row['load_ms']:.2f} | {syncs} | {sync_ms} |")
    if args.profile:
        print("Where the PostgreSQL server's CPU went (py-spy, 1 process):")
        for part, share in profile_shares(samples).items():
            print(f"  {share:6.1%}  {part}")


if __name__ == "__main__":
    main()
