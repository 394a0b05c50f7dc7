"""At start: is the events database sound, and does it still hold what it should?

A damaged file, or an empty (or missing) one while a backup says there were events, is
refused in one sentence and left exactly as it is: never replaced by a fresh database,
which would hide the loss. The sentence says how to restore (`aifootprint restore`).
"""

from __future__ import annotations

from pathlib import Path

from ...core import database
from ...core.errors import DatabaseError
from ...core.i18n import Catalog
from ...model.formatting import format_number
from .backups import backups, event_count

TEXT = Catalog("storage")


def check_at_start(db_path: Path, lang: str) -> None:
    """DatabaseError (one sentence in `lang`) if the daemon must not open the database."""
    if db_path.exists():
        problem = database.quick_check(db_path)
        if problem is not None:
            raise DatabaseError(TEXT("damaged", lang, path=db_path, problem=problem))
        if event_count(db_path):
            return
    evidence = next((b for b in backups(db_path) if b.events), None)
    if evidence is None or evidence.events is None:
        return  # a new install, or everything was forgotten (which deletes the backups)
    key = "empty" if db_path.exists() else "missing"
    raise DatabaseError(TEXT.count(key, lang, evidence.events, path=db_path,
                                   day=evidence.day.isoformat(),
                                   n=format_number(evidence.events, lang, 0),
                                   folder=evidence.path.parent))
