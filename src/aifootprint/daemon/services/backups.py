"""The daemon's rolling backup: one a local day, the last seven kept (store/backups.py).

Taken on a worker thread (the copy of a year of counts takes a second or so, measured by
benchmarks/bench_daemon.py), never on the event loop, and from a read transaction of its
own, so the writer goes on meanwhile (WAL).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import date
from pathlib import Path

from ..store.backups import take_daily_backup

log = logging.getLogger("aifootprint")

# How often the daemon looks whether today has its backup: once an hour costs nothing
# and also works across a laptop's sleep, where a timer for midnight would run late.
CHECK_EVERY_S = 3600


async def back_up_daily(db_path: Path) -> None:
    """Forever: today's backup if there is none yet (at start, then each hour)."""
    while True:
        try:
            made = await asyncio.to_thread(take_daily_backup, db_path, date.today())
            if made:
                log.info("backup made: %s", made.name)
        except (OSError, sqlite3.Error) as error:  # a full disk, say: try again later
            log.warning("no backup made: %s", error)
        await asyncio.sleep(CHECK_EVERY_S)
