"""Rate limits on joining and looking up a class, in memory, without keeping addresses.

A join code has 30^10 possible values, so guessing one is hopeless anyway; the limit
keeps a script from trying thousands a minute, and from filling a class in one go (the
seats do the rest, store.py). Each client is counted under a keyed hash of its address,
with a random key made when the process starts and never written anywhere, so the counts
name no address, not even to someone who reads the process's memory later with the key
gone; a count is dropped once its window has passed. Nothing here logs.

Behind a reverse proxy every student arrives from the proxy's address, so the limit then
holds for the whole school together; it is set for that (a class of 30 previewing and
joining in the same minute stays well under it).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable

from ..core.errors import TooManyRequests

WINDOW_S = 60.0  # the limit (AggregatorConfig.join_rate, `serve --join-rate`) is per minute
MAX_CLIENTS = 100_000  # beyond this many counted addresses, the oldest are dropped


class RateLimiter:
    def __init__(self, limit: int, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._key = secrets.token_bytes(32)  # in memory only: the hashes die with the process
        self._windows: dict[str, tuple[float, int]] = {}  # hash -> (window start, count)

    def check(self, address: str | None) -> None:
        """Count one request from this address; TooManyRequests once over the limit."""
        if self.limit <= 0:
            return
        now = self.clock()
        self._forget_before(now - self.window_s)
        client = hmac.new(self._key, str(address).encode(), hashlib.sha256).hexdigest()[:32]
        start, count = self._windows.get(client, (now, 0))
        if start <= now - self.window_s:  # its window has passed: a new one, at the end
            del self._windows[client]
            start, count = now, 0
        # New keys go last, so the dict stays ordered by window start, oldest first.
        self._windows[client] = (start, count + 1)
        if count + 1 > self.limit:
            retry = max(1, math.ceil(start + self.window_s - now))
            raise TooManyRequests("too_many_tries", retry)

    def _forget_before(self, cutoff: float) -> None:
        while self._windows:
            oldest, (start, _) = next(iter(self._windows.items()))
            if start > cutoff and len(self._windows) < MAX_CLIENTS:
                return
            del self._windows[oldest]
