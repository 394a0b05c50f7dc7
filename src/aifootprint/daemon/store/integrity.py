"""At start: is the events database sound, and does it still hold what it should?

A damaged file, or an empty (or missing) one while a backup says there were events, is
refused in one sentence and left exactly as it is: never replaced by a fresh database,
which would hide the loss. The sentence says how to restore (`aifootprint restore`).
"""

from __future__ import annotations

from pathlib import Path

from ...core import database
from ...core.errors import TEXT as ERRORS
from ...core.errors import DatabaseError
from .backups import backups, event_count


def check_at_start(db_path: Path) -> None:
    """DatabaseError (one sentence, said in the user's language where it is shown) if the
    daemon must not open the database."""
    if db_path.exists():
        problem = database.quick_check(db_path)
        if problem is not None:
            raise DatabaseError("database_damaged", path=db_path, problem=problem)
        if event_count(db_path):
            return
    evidence = next((b for b in backups(db_path) if b.events), None)
    if evidence is None or evidence.events is None:
        return  # a new install, or everything was forgotten (which deletes the backups)
    key = "database_empty" if db_path.exists() else "database_missing"
    if evidence.events == 1 and f"{key}_one" in ERRORS.messages:
        key = f"{key}_one"
    raise DatabaseError(key, path=db_path, day=evidence.day.isoformat(), n=evidence.events,
                        folder=evidence.path.parent)
