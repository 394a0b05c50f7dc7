"""Store processes for tests/test_class_server_postgres.py: each opens its own connection
to the class server's database and waits at a barrier, so that they race from the same
moment. A module of its own, importing little, so the spawned processes start fast."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import datetime

from aifootprint.aggregator.privacy import NoisyTotal
from aifootprint.aggregator.store import AggregatorStore, open_database
from aifootprint.core.errors import FootprintError

NOW = datetime(2026, 11, 25, 10, 0)  # a day class's yesterday is open for submissions
AFTER_WINDOW = datetime(2026, 11, 26, 0, 1)  # and its window has ended
SECRET = bytes(range(32))


def exact(total: int, sensitivity: int, epsilon: float) -> NoisyTotal:
    """No noise, so a test can see that every counted submission is in the release."""
    return NoisyTotal(total, 0.0, 0)


def submit_all(dsn: str, barrier, bodies: list[dict]) -> Counter:
    """Submit each body (with a clock inside the window); how many were accepted per class."""
    store = AggregatorStore(open_database(dsn), SECRET)
    barrier.wait()
    accepted: Counter = Counter()
    for body in bodies:
        try:
            store.submit(body, NOW)
            accepted[body["class_id"]] += 1
        except FootprintError:
            pass  # already submitted, or over: refused as it should be
    store.close()
    return accepted


def release_all(dsn: str, barrier, rounds: int) -> int:
    """Release what is due (with a clock after the window), `rounds` times; how many."""
    store = AggregatorStore(open_database(dsn), SECRET)
    barrier.wait()
    made = sum(len(store.release_due(AFTER_WINDOW, exact)) for _ in range(rounds))
    store.close()
    return made


class Racers:
    """A few spawned processes, kept for a test module, and a barrier for each race."""

    def __init__(self, size: int):
        context = multiprocessing.get_context("spawn")
        self.size = size
        self.manager = context.Manager()
        self.pool = context.Pool(size)

    def race(self, work: list[tuple]) -> list:
        """Run (function, dsn, *args) items at once, one a process; their results."""
        assert len(work) <= self.size
        barrier = self.manager.Barrier(len(work))
        running = [self.pool.apply_async(function, (dsn, barrier, *args))
                   for function, dsn, *args in work]
        return [result.get(timeout=120) for result in running]

    def close(self) -> None:
        self.pool.close()
        self.pool.join()
        self.manager.shutdown()
