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


def join_all(dsn: str, barrier, code: str, names: list[str]) -> list[str]:
    """Join each pseudonym with the code; the ones let in."""
    store = AggregatorStore(open_database(dsn), SECRET)
    barrier.wait()
    joined = []
    for name in names:
        try:
            store.join(code, name, NOW)
            joined.append(name)
        except FootprintError:
            pass  # full, closed, or the code was replaced by a reset: refused
    store.close()
    return joined


def set_seats(dsn: str, barrier, class_id: str, key: str, seats: list[int]) -> list[int]:
    """The teacher sets each number of seats in turn; the numbers accepted."""
    store = AggregatorStore(open_database(dsn), SECRET)
    barrier.wait()
    accepted = []
    for number in seats:
        try:
            store.set_joining(class_id, key, None, number)
            accepted.append(number)
        except FootprintError:
            pass  # fewer than the members by then: refused
    store.close()
    return accepted


def reset_all(dsn: str, barrier, classes: list[tuple[str, str]]) -> int:
    """The teachers start each (class id, teacher key) again; how many resets."""
    store = AggregatorStore(open_database(dsn), SECRET)
    barrier.wait()
    for class_id, key in classes:
        store.reset_members(class_id, key, NOW)
    store.close()
    return len(classes)


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
