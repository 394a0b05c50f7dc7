"""Group commit for submissions: what arrives while one transaction commits goes into the
next one. One fsync then covers many submissions (the measured rate is in
docs/classroom.md), and the journal never holds a running total per single submission
when the server is busy. Each submission still gets its own answer.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from .app_keys import CONFIG, EXECUTOR, STORE

MAX_BATCH = 256


class SubmissionBatcher:
    def __init__(self, app: web.Application):
        self.app = app
        self.queue: asyncio.Queue = asyncio.Queue()

    async def submit(self, body: object) -> None:
        """Wait until this body's batch committed; raise its refusal if it was refused."""
        done = asyncio.get_running_loop().create_future()
        await self.queue.put((body, done))
        error = await done
        if error is not None:
            raise error

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            store, now = self.app[STORE], self.app[CONFIG].now()
            try:
                outcomes = await loop.run_in_executor(
                    self.app[EXECUTOR], store.submit_many, [b for b, _ in batch], now)
            except Exception as error:  # the whole transaction failed: tell every sender
                outcomes = [error] * len(batch)
            for (_, done), outcome in zip(batch, outcomes, strict=True):
                if not done.cancelled():
                    done.set_result(outcome)


BATCHER = web.AppKey("batcher", SubmissionBatcher)


async def batcher_ctx(app: web.Application):
    batcher = app[BATCHER] = SubmissionBatcher(app)
    task = asyncio.create_task(batcher.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
