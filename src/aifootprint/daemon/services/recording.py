"""Recording events: the user's pause and activity label decide what is stored."""

from __future__ import annotations

from ..store.events import Store


def add_events_unless_paused(store: Store, rows: list[dict]) -> dict:
    """What POST /events answers: nothing is stored while the user has paused counting."""
    settings = store.get_settings()
    if settings.get("paused"):
        return {"accepted": 0, "duplicates": 0, "paused": True}
    if settings.get("label"):  # the activity chosen in the tray or dashboard
        rows = [row if row["label"] else {**row, "label": settings["label"]} for row in rows]
    accepted, duplicates = store.add_events(rows)
    return {"accepted": accepted, "duplicates": duplicates}
