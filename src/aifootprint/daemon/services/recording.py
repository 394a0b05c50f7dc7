"""Recording events: the user's pause and activity label decide what is stored."""

from __future__ import annotations

from ...model.events import parse_timestamp_unchecked
from ..store.events import Store


def counted_before(row: dict, paused_at: str | None) -> bool:
    """Whether an event happened before the pause began. An extension that was offline
    delivers its queue later: what it counted before the pause is still the user's use.
    With no time of the pause known (set by an older version), nothing counts."""
    if paused_at is None:
        return False
    # The extension's timestamps are whole seconds: one in the pause's own second may
    # have come after it, and is not counted.
    began = parse_timestamp_unchecked(paused_at).replace(microsecond=0)
    return parse_timestamp_unchecked(row["ts"]) < began


def add_events_unless_paused(store: Store, rows: list[dict]) -> dict:
    """What POST /events answers: nothing that happened during a pause is stored."""
    settings = store.get_settings()
    if settings.get("paused"):
        rows = [row for row in rows if counted_before(row, settings.get("paused_changed_at"))]
        if not rows:
            return {"accepted": 0, "duplicates": 0, "paused": True}
    if settings.get("label"):  # the activity chosen in the tray or dashboard
        rows = [row if row["label"] else {**row, "label": settings["label"]} for row in rows]
    accepted, duplicates = store.add_events(rows)
    return {"accepted": accepted, "duplicates": duplicates, **(
        {"paused": True} if settings.get("paused") else {})}
