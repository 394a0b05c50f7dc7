"""Day summaries and period reports: what the API, the CLI and the dashboard show.

Counts come from the store (aggregated in SQL); impacts from footprint.summarize and
summarize_groups, so a change of profile or location re-computes all history.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date, timedelta

from .config import Config
from .errors import InvalidInput
from .factors import FactorTable
from .footprint import Counts, summarize, summarize_groups
from .settings import in_force
from .store import Store

MAX_PERIOD_DAYS = 366


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = f"{field} must be a date like 2025-03-01, not {value!r}."
        raise InvalidInput(message, field) from None


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput("to must not be before from.", field="to")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"A period has at most {MAX_PERIOD_DAYS} days.", field="to")


class SummaryCache:
    """Day summaries memoised by everything they depend on.

    A summary is a pure function of the factor table, profile, location, day and
    counts, so a past day is computed once and a 365-day report costs SQL plus a
    lookup per day. Bounded (least recently used entries go first); thread-safe.
    """

    def __init__(self, size: int = 2048):
        self.size = size
        self._entries: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def day_summary(self, table: FactorTable, profile: str, location: str, day: date,
                    total: Counts, sites: dict, labels: dict) -> tuple[dict, str]:
        """The summary and its JSON text (a long period's answer is mostly these texts)."""
        key = (id(table), profile, location, day, total, tuple(sorted(sites.items())),
               tuple(sorted(labels.items())))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][1:]
        summary = day_summary(table, profile, location, day, total, sites, labels)
        text = json.dumps(summary, ensure_ascii=False)
        with self._lock:
            self._entries[key] = (table, summary, text)  # the table keeps id(table) unique
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return summary, text


SUMMARIES = SummaryCache()


def day_summary(
    table: FactorTable, profile: str, location: str, day: date,
    total: Counts, sites: dict[str, Counts], labels: dict[str, Counts],
) -> dict:
    """summarize() fields plus date, profile, location, sites and labels (largest first)."""
    return {
        "date": day.isoformat(),
        "profile": profile,
        "location": location,
        **summarize(table, total, profile, location),
        "sites": summarize_groups(table, sites.items(), profile, location),
        "labels": summarize_groups(table, labels.items(), profile, location),
    }


def days_report(
    store: Store, table: FactorTable, config: Config, first: date, last: date,
    profile: str | None = None, location: str | None = None,
) -> list[dict]:
    """One summary per local day from first to last inclusive, days without use included."""
    return [summary for summary, _ in _days(store, table, config, first, last, profile,
                                            location)]


def days_report_json(
    store: Store, table: FactorTable, config: Config, first: date, last: date,
    profile: str | None = None, location: str | None = None,
) -> str:
    """days_report as JSON text, joined from each day's cached text.

    The last text is reused while the database and the request are unchanged: the
    dashboard polling a year of history costs a PRAGMA, not a rebuild.
    """
    key = (store.version(), id(table), first, last, profile, location)
    if store.last_days_json and store.last_days_json[0] == key:
        return store.last_days_json[1]
    days = _days(store, table, config, first, last, profile, location)
    text = "[" + ", ".join(text for _, text in days) + "]"
    store.last_days_json = (key, text)
    return text


def _days(
    store: Store, table: FactorTable, config: Config, first: date, last: date,
    profile: str | None, location: str | None,
) -> list[tuple[dict, str]]:
    check_period(first, last)
    profile, location = in_force(table, config, store.get_settings(), profile, location)
    counted = store.days(first, last)
    empty = {"total": Counts(), "sites": {}, "labels": {}}
    report = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        entry = counted.get(day.isoformat(), empty)
        report.append(SUMMARIES.day_summary(
            table, profile, location, day, entry["total"], entry["sites"], entry["labels"]
        ))
    return report


def today_summary(
    store: Store, table: FactorTable, config: Config, day: date | None = None,
    profile: str | None = None, location: str | None = None,
) -> dict:
    """The summary of one local day (default: today in the local time zone)."""
    day = day or date.today()
    return days_report(store, table, config, day, day, profile, location)[0]


def factors_in_force(
    store: Store, table: FactorTable, config: Config,
    profile: str | None = None, location: str | None = None,
) -> dict:
    profile, location = in_force(table, config, store.get_settings(), profile, location)
    return {"profile": profile, "location": location, "table": table.model_dump(mode="json")}
