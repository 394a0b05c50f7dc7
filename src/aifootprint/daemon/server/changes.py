"""What GET /api/v1/live waits on: a version number that grows with each stored write."""

from __future__ import annotations

import asyncio
import contextlib


class Changes:
    """A version number that grows with each write, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.listeners = 0
        self.closed = False
        self._next = asyncio.Event()

    def changed(self) -> None:
        self.version += 1
        self._next.set()
        self._next = asyncio.Event()

    def close(self) -> None:
        """The daemon stops: every stream ends now rather than at the server's timeout."""
        self.closed = True
        self._next.set()

    async def after(self, version: int, timeout: float) -> int:
        """The version once it is past `version`, or the same one after `timeout`."""
        if self.version == version and not self.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._next.wait(), timeout)
        return self.version
