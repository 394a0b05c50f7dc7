"""Sharing periods: a month (the default), a school term, a week or a day, named by an id
both sides compute.

A month is a calendar month ("2026-11"); a term is a third of the Dutch school year,
named by its calendar year: T1 August to December ("2026-T1"), T2 January to March
("2027-T2"), T3 April to July ("2027-T3"); a week is an ISO week ("2026-W48", Monday to
Sunday); a day is a calendar date ("2026-11-28"); all in local time. The terms are the
dashboard's (daemon/server/static/periods.js: the Netherlands has no national division).
A period closes at midnight after its last day; submissions are accepted during a window
after that (students send with a random delay and may have their computer off), then the
period is released once and for all.
Plain functions, no I/O: the student side imports this module too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..core.errors import InvalidInput
from ..core.i18n import Catalog

PERIOD_KINDS = ("month", "term", "week", "day")
DEFAULT_KIND = "month"
# A term's first month; T1 runs from August (the school year starts late August) to December.
TERM_STARTS = {1: 8, 2: 1, 3: 4}
PERIOD_TEXTS = Catalog("periods")


@dataclass(frozen=True)
class PeriodRules:
    """Per-kind rules. Clip bounds: the most one student counts for one period (documented
    in docs/classroom.md); a class may set lower or higher ones, up to the maximum."""

    school_days: int  # of a typical period, for the report's school day and the preview
    clip_prompts: int
    clip_images: int
    clip_videos: int
    max_clip_prompts: int
    max_clip_images: int
    max_clip_videos: int
    window: timedelta  # submissions accepted from the close until close + window
    send_delay_max_s: int  # students wait a random 0..this many seconds after the close


RULES = {
    # The noise grows with the prompt and image bounds (model/class_precision.py), so the
    # defaults are twice the report's school use (10 prompts and 5 images a school day,
    # per school day of the period), the maxima five times it. Videos count inside the
    # same energy bound and add no noise; their bound only limits what one student sends.
    # School days: a month of four school weeks; a term a third of the year's 200 days.
    "month": PeriodRules(school_days=20, clip_prompts=400, clip_images=200, clip_videos=4,
                         max_clip_prompts=1000, max_clip_images=500, max_clip_videos=20,
                         window=timedelta(days=5), send_delay_max_s=6 * 3600),
    "term": PeriodRules(school_days=65, clip_prompts=1300, clip_images=650, clip_videos=10,
                        max_clip_prompts=3250, max_clip_images=1625, max_clip_videos=50,
                        window=timedelta(days=7), send_delay_max_s=6 * 3600),
    "week": PeriodRules(school_days=5, clip_prompts=100, clip_images=50, clip_videos=2,
                        max_clip_prompts=700, max_clip_images=200, max_clip_videos=10,
                        window=timedelta(days=3), send_delay_max_s=6 * 3600),
    "day": PeriodRules(school_days=1, clip_prompts=20, clip_images=10, clip_videos=1,
                       max_clip_prompts=100, max_clip_images=30, max_clip_videos=5,
                       window=timedelta(days=1), send_delay_max_s=3600),
}

ID_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "term": re.compile(r"^(\d{4})-T([123])$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}
EXAMPLES = {"month": "2026-11", "term": "2026-T1", "week": "2026-W48", "day": "2026-11-28"}


def check_kind(kind: str) -> str:
    if kind not in PERIOD_KINDS:
        raise InvalidInput("period_kind", field="period", kind=kind)
    return kind


def term_of(month: int) -> int:
    """The term a month belongs to: the one with the latest start not after it."""
    return max(TERM_STARTS, key=lambda term: (TERM_STARTS[term] <= month, TERM_STARTS[term]))


def period_of(kind: str, day: date) -> str:
    """The id of the period that contains this day."""
    if check_kind(kind) == "day":
        return day.isoformat()
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "term":
        return f"{day.year}-T{term_of(day.month)}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _first_and_end(kind: str, match: re.Match) -> tuple[date, date]:
    """The first day of a period and the day after its last."""
    year = int(match[1])
    if kind == "day":
        first = date.fromisoformat(match[0])
        return first, first + timedelta(days=1)
    if kind == "week":
        first = date.fromisocalendar(year, int(match[2]), 1)
        return first, first + timedelta(days=7)
    if kind == "month":
        first = date(year, int(match[2]), 1)
    else:
        first = date(year, TERM_STARTS[int(match[2])], 1)
    # The next period starts on the first of the month after this one's last month.
    months = 1 if kind == "month" else {1: 5, 2: 3, 3: 4}[int(match[2])]
    later = first.month - 1 + months
    return first, date(year + later // 12, later % 12 + 1, 1)


def period_days(kind: str, period: str) -> list[date]:
    """Every calendar day of a period; InvalidInput if the id does not fit the kind."""
    match = ID_PATTERNS[check_kind(kind)].match(period)
    try:
        if match:
            first, end = _first_and_end(kind, match)
            return [first + timedelta(days=n) for n in range((end - first).days)]
    except ValueError:
        pass
    example = EXAMPLES[kind]
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


def period_label(kind: str, period: str, lang: str) -> str:
    """A period as a student or teacher reads it: 'november 2026', 'Periode 1 (aug–dec
    2026)', 'Week 48 (23–29 nov)', 'vr 28 nov'; an id this version does not know stays as
    it is. The one label of a period id (the dashboard gets it from the daemon's answers)."""
    try:
        days = period_days(kind, period)
    except InvalidInput:
        return period
    months = PERIOD_TEXTS("months", lang).split()
    first, last = days[0], days[-1]

    def day_month(day: date) -> str:
        return f"{day.day} {months[day.month - 1]}"

    if kind == "month":
        return PERIOD_TEXTS("month", lang, month=PERIOD_TEXTS("month_names", lang).split()[
            first.month - 1], year=first.year)
    if kind == "term":
        return PERIOD_TEXTS("term", lang, term=period[-1], first=months[first.month - 1],
                            last=months[last.month - 1], year=first.year)
    if kind == "day":
        return f"{PERIOD_TEXTS('weekdays', lang).split()[first.weekday()]} {day_month(first)}"
    start = str(first.day) if first.month == last.month else day_month(first)
    return PERIOD_TEXTS("week", lang, week=first.isocalendar()[1], first=start,
                        last=day_month(last))
