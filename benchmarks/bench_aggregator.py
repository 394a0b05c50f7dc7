"""Submissions per second the class aggregator accepts: a real process on loopback.

    python benchmarks/bench_aggregator.py [--students 2000] [--concurrency 32]

Starts `aifootprint aggregator serve` in a temporary home, makes classes of day periods
(yesterday is closed and open for submissions, so no test clock is needed), joins every
student, then sends one submission per student with a bounded number in flight, and
prints joins/s and submissions/s (each accepted only after its transaction committed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aggregator_process import create_class, start_aggregator  # noqa: E402

CLASS_SIZE = 1000  # the largest class create-class allows


async def post_all(url: str, bodies: list[dict], concurrency: int) -> float:
    """POST every body, `concurrency` at a time; seconds taken. Any refusal aborts."""
    queue = iter(bodies)

    async def worker(session: aiohttp.ClientSession) -> None:
        for body in queue:
            async with session.post(url, json=body) as reply:
                if reply.status != 200:
                    raise RuntimeError(f"{reply.status}: {await reply.text()}")

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return time.perf_counter() - started


async def bench(server: str, classes: list[dict], students: int, concurrency: int) -> dict:
    period = (date.today() - timedelta(days=1)).isoformat()
    members = [(classes[n // CLASS_SIZE], secrets.token_urlsafe(32)) for n in range(students)]
    joins = [{"code": c["join_code"], "pseudonym": p} for c, p in members]
    join_s = await post_all(f"{server}/api/v1/join", joins, concurrency)
    submissions = [{"class_id": c["class_id"], "period": period, "pseudonym": p,
                    # within a day class's default bounds (20, 10, 1)
                    "prompts": secrets.randbelow(21), "images": secrets.randbelow(11),
                    "videos": secrets.randbelow(2)}
                   for c, p in members]
    submit_s = await post_all(f"{server}/api/v1/submissions", submissions, concurrency)
    return {"students": students, "concurrency": concurrency,
            "joins_per_s": round(students / join_s), "submissions_per_s": round(
                students / submit_s), "submit_seconds": round(submit_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # Every join comes from this one address: no rate limit, or it would measure that.
        server = start_aggregator(Path(home), options=("--join-rate", "0"))
        try:
            count = -(-args.students // CLASS_SIZE)
            classes = [create_class(Path(home), "--name", f"bench {n}", "--period", "day",
                                    "--seats", str(CLASS_SIZE), "--qr-dir", str(Path(home) / "qr"))
                       for n in range(count)]
            result = asyncio.run(bench(server.url, classes, args.students, args.concurrency))
        finally:
            server.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
