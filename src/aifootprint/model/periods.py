"""Sharing periods: a week (the default) or a day, named by an id both sides compute.

A week is an ISO week ("2026-W48", Monday to Sunday), a day is a calendar date
("2026-11-28"), both in local time. A period closes at midnight after its last day;
submissions are accepted during a window after that (students send with a random
delay and may have their computer off), then the period is released once and for all.
Plain functions, no I/O: the student side imports this module too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..core.errors import InvalidInput

PERIOD_KINDS = ("week", "day")


@dataclass(frozen=True)
class PeriodRules:
    """Per-kind rules. Clip bounds: the most one student counts for one period (documented
    in docs/classroom.md); a class may set lower or higher ones, up to the maximum."""

    clip_prompts: int
    clip_images: int
    max_clip_prompts: int
    max_clip_images: int
    window: timedelta  # submissions accepted from the close until close + window
    send_delay_max_s: int  # students wait a random 0..this many seconds after the close


RULES = {
    # The noise grows with the bound (scale = bound / (epsilon / 2)), so the default is
    # 3x the report's school use (10 prompts and 5 images a school day), not the maximum:
    # a class of 25 then gets figures of the right size; heavier use is counted up to it.
    "week": PeriodRules(clip_prompts=150, clip_images=50, max_clip_prompts=700,
                        max_clip_images=200, window=timedelta(days=3),
                        send_delay_max_s=6 * 3600),
    "day": PeriodRules(clip_prompts=30, clip_images=10, max_clip_prompts=100,
                       max_clip_images=30, window=timedelta(days=1), send_delay_max_s=3600),
}

WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")
DAY_ID = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def check_kind(kind: str) -> str:
    if kind not in PERIOD_KINDS:
        raise InvalidInput("period_kind", field="period", kind=kind)
    return kind


def period_of(kind: str, day: date) -> str:
    """The id of the period that contains this day."""
    if check_kind(kind) == "day":
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_days(kind: str, period: str) -> list[date]:
    """Every calendar day of a period; InvalidInput if the id does not fit the kind."""
    try:
        if check_kind(kind) == "day" and DAY_ID.match(period):
            return [date.fromisoformat(period)]
        match = WEEK_ID.match(period)
        if kind == "week" and match:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return [monday + timedelta(days=n) for n in range(7)]
    except ValueError:
        pass
    example = "2026-W48" if kind == "week" else "2026-11-28"
    raise InvalidInput(f"period_not_{kind}", field="period", period=period, example=example)


def closes_at(kind: str, period: str) -> datetime:
    """Local midnight after the period's last day."""
    return datetime.combine(period_days(kind, period)[-1] + timedelta(days=1), time())


def window_ends_at(kind: str, period: str) -> datetime:
    return closes_at(kind, period) + RULES[kind].window


def periods_in_window(kind: str, now: datetime) -> list[str]:
    """Closed periods whose submission window is still open at `now`, oldest first."""
    found = []
    day = now.date() - timedelta(days=1)
    while True:
        period = period_of(kind, day)
        if window_ends_at(kind, period) <= now:
            break
        if period not in found and closes_at(kind, period) <= now:
            found.append(period)
        day -= timedelta(days=1)
    return sorted(found)
