"""Benchmark the real daemon process: ingestion, summary latency, memory, bytes per event.

    python benchmarks/bench_daemon.py [--events 500000] [--ingest 200000]

1. Seeds a fresh home with --events events spread over the last 365 days (directly
   through store.py, which is fast), then starts `aifootprint run --no-tray` on it.
2. Idle RSS (VmRSS of the daemon process).
3. Summary latency over HTTP: p50/p95 of GET /summary (one day) and GET /days for a
   365-day period.
4. Ingestion: --ingest more events POSTed in batches of 100 by 4 concurrent clients.
5. RSS right after the load and once idle, latencies again, RSS after those reads,
   database bytes per event.
6. Storage safety on the seeded year: PRAGMA quick_check (what `run` does before it
   starts), the start-up to the first /health, a backup with SQLite's backup API (what
   the daemon makes once a day), and POST latency while such a backup runs beside the
   daemon's writer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from aifootprint.core import database  # noqa: E402
from aifootprint.daemon.store.events import Store  # noqa: E402
from daemon_process import start_daemon  # noqa: E402

SITES = ["chatgpt.com", "claude.ai", "gemini.google.com", "copilot.microsoft.com",
         "www.midjourney.com", "www.bing.com"]
LABELS = [None, None, "homework", "lesson-prep", "art"]


def seed(db_path: Path, total: int) -> None:
    """`total` events over the last 365 days, in 50k-row transactions."""
    rng = random.Random(42)
    today = date.today()
    received = datetime.now(UTC).isoformat(timespec="seconds")
    with Store(db_path) as store:
        for start in range(0, total, 50_000):
            rows = []
            for _ in range(min(50_000, total - start)):
                day = today - timedelta(days=rng.randrange(365))
                kind = "image" if rng.random() < 0.15 else "prompt"
                rows.append({
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "ts": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}"
                          f":00Z",
                    "local_date": day.isoformat(), "site": rng.choice(SITES), "kind": kind,
                    "count": 4 if kind == "image" else 1, "model": None,
                    "label": rng.choice(LABELS), "regenerated": 0, "received_at": received,
                    "seconds": None,
                })
            store.add_events(rows)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def latencies(url: str, token: str, path: str, rounds: int,
                    write_first: bool = False) -> tuple[float, float]:
    """p50, p95 in ms; write_first POSTs one event before each read (untimed) so no
    cached answer can be reused: the cost of a dashboard refresh while events arrive."""
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    async with aiohttp.ClientSession(headers=headers) as session:
        for _ in range(rounds + 3):
            if write_first:
                event = {"id": str(uuid.uuid4()), "ts": datetime.now(UTC).isoformat(),
                         "site": "chatgpt.com", "kind": "prompt", "count": 1}
                async with session.post(url + "/api/v1/events", json={"events": [event]}) as r:
                    assert r.status == 200
            started = time.perf_counter()
            async with session.get(url + path) as response:
                assert response.status == 200, await response.text()
                await response.read()
            samples.append((time.perf_counter() - started) * 1000)
    samples = samples[3:]  # warm-up
    return statistics.median(samples), percentile(samples, 95)


def time_ordered_uuid() -> str:
    """A UUIDv7 (RFC 9562), as the extension makes them: milliseconds first, then random."""
    bits = (time.time_ns() // 1_000_000) << 80 | random.getrandbits(80)
    bits = bits & ~(0xF << 76) | 7 << 76  # version 7
    bits = bits & ~(0b11 << 62) | 0b10 << 62  # RFC variant
    return str(uuid.UUID(int=bits))


async def ingest(url: str, token: str, total: int, clients: int = 4, batch: int = 100,
                 new_id=time_ordered_uuid) -> float:
    """Events per second, POSTed in batches by `clients` concurrent clients."""
    today = datetime.now(UTC).replace(microsecond=0).isoformat()
    headers = {"Authorization": f"Bearer {token}"}
    per_client = total // clients // batch

    async def client() -> None:
        async with aiohttp.ClientSession(headers=headers) as session:
            for _ in range(per_client):
                events = [{"id": new_id(), "ts": today, "site": "chatgpt.com",
                           "kind": "prompt", "count": 1, "label": "homework"}
                          for _ in range(batch)]
                async with session.post(url + "/api/v1/events", json={"events": events}) as r:
                    assert r.status == 200, await r.text()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return per_client * clients * batch / (time.perf_counter() - started)


def time_storage_checks(db: Path) -> None:
    """quick_check and a backup of the seeded database, in this process, three times each."""
    size = sum(p.stat().st_size for p in db.parent.glob("footprint.db*")) / 1e6
    checks, copies = [], []
    for _ in range(3):
        started = time.perf_counter()
        assert database.quick_check(db) is None
        checks.append(time.perf_counter() - started)
        target = db.parent / "bench-backup.db"
        started = time.perf_counter()
        database.backup(db, target)
        copies.append(time.perf_counter() - started)
        target.unlink()
    print(f"quick_check of {size:.0f} MB: {min(checks):.2f}-{max(checks):.2f} s; "
          f"backup (SQLite backup API, synced): {min(copies):.2f}-{max(copies):.2f} s")


async def post_latencies(url: str, token: str, seconds: float) -> list[float]:
    """ms per single-event POST, one after another, for `seconds`."""
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    async with aiohttp.ClientSession(headers=headers) as session:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            event = {"id": time_ordered_uuid(), "ts": datetime.now(UTC).isoformat(),
                     "site": "chatgpt.com", "kind": "prompt", "count": 1}
            started = time.perf_counter()
            async with session.post(url + "/api/v1/events", json={"events": [event]}) as r:
                assert r.status == 200, await r.text()
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def report_writes_beside_a_backup(daemon, db: Path) -> None:
    """POST latency without, then with, a backup of the database running beside it."""
    quiet = asyncio.run(post_latencies(daemon.url, daemon.token, 3))
    target = db.parent / "bench-backup.db"
    copy = threading.Thread(target=database.backup, args=(db, target))
    started = time.perf_counter()
    copy.start()
    beside: list[float] = []
    while copy.is_alive():
        beside += asyncio.run(post_latencies(daemon.url, daemon.token, 0.5))
    took = time.perf_counter() - started
    target.unlink()
    for label, samples in (("alone", quiet), (f"beside a {took:.1f} s backup", beside)):
        print(f"single-event POST {label}: p50 {statistics.median(samples):.1f} ms, "
              f"p95 {percentile(samples, 95):.1f} ms, max {max(samples):.1f} ms "
              f"({len(samples)} POSTs)")


def report_latency(daemon, label: str) -> None:
    today = date.today()
    first = today - timedelta(days=364)
    day = asyncio.run(latencies(daemon.url, daemon.token, f"/api/v1/summary?date={today}", 200))
    year = asyncio.run(latencies(daemon.url, daemon.token,
                                 f"/api/v1/days?from={first}&to={today}", 50))
    fresh = asyncio.run(latencies(daemon.url, daemon.token,
                                  f"/api/v1/days?from={first}&to={today}", 30, write_first=True))
    print(f"summary one day ({label}):   p50 {day[0]:.1f} ms, p95 {day[1]:.1f} ms")
    print(f"summary 365 days ({label}):  p50 {year[0]:.1f} ms, p95 {year[1]:.1f} ms")
    print(f"summary 365 days right after a write ({label}):  p50 {fresh[0]:.1f} ms, "
          f"p95 {fresh[1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--ingest", type=int, default=200_000)
    parser.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE",
                        help="extra environment for the daemon, e.g. MALLOC_ARENA_MAX=2")
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        seed(home / "data" / "footprint.db", args.events)
        print(f"seeded {args.events:,} events in {time.perf_counter() - started:.1f} s")
        db = home / "data" / "footprint.db"
        time_storage_checks(db)
        started = time.perf_counter()
        daemon = start_daemon(home, env=dict(item.split("=", 1) for item in args.env))
        print(f"start-up to the first /health (quick_check included): "
              f"{time.perf_counter() - started:.2f} s")
        try:
            time.sleep(1)
            print(f"idle RSS: {rss_mb(daemon.process.pid):.1f} MB")
            cpu_before = cpu_seconds(daemon.process.pid)
            time.sleep(5)
            print(f"idle CPU: {cpu_seconds(daemon.process.pid) - cpu_before:.2f} s in 5 s")
            report_writes_beside_a_backup(daemon, db)
            report_latency(daemon, f"{args.events:,} stored")
            ids = {"time-ordered UUIDv7 ids, as the extension sends": time_ordered_uuid,
                   "random UUIDv4 ids": lambda: str(uuid.uuid4())}
            for name, new_id in ids.items():
                cpu_before = cpu_seconds(daemon.process.pid)
                rate = asyncio.run(ingest(daemon.url, daemon.token, args.ingest, new_id=new_id))
                cpu_per_event = (cpu_seconds(daemon.process.pid) - cpu_before) / args.ingest
                print(f"ingestion, {name}: {rate:,.0f} events/s (batches of 100, 4 clients, "
                      f"{args.ingest:,} events); daemon CPU {cpu_per_event * 1e6:.0f} µs/event, "
                      f"so {1 / cpu_per_event:,.0f} events/s per core it gets")
            print(f"RSS right after the load: {rss_mb(daemon.process.pid):.1f} MB")
            time.sleep(2)
            print(f"RSS after the load, 2 s idle: {rss_mb(daemon.process.pid):.1f} MB")
            report_latency(daemon, "after ingestion")
            time.sleep(2)
            print(f"RSS after reads, 2 s idle: {rss_mb(daemon.process.pid):.1f} MB")
        finally:
            daemon.stop()
        with Store(db) as store:
            count = store.event_count()
        size = sum(p.stat().st_size for p in db.parent.glob("footprint.db*"))
        print(f"database: {size / 1e6:.1f} MB for {count:,} events = {size / count:.0f} "
              f"bytes/event")


if __name__ == "__main__":
    main()
