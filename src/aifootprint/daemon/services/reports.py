"""Day summaries and period reports: what the API, the CLI and the dashboard show.

Counts come from the store (aggregated in SQL); impacts from footprint.summarize and
summarize_groups, so a change of profile or location re-computes all history.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date, timedelta

from ...core.errors import InvalidInput
from ...model.factors import FactorTable
from ...model.footprint import Counts, summarize, summarize_groups
from ...model.scenario import ScenarioInputs, run_scenario
from ..config import Config
from ..store.events import Store
from .settings import check_choice, in_force

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 7


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("date_format", field=field, value=value) from None


def parse_period(first: str | None, last: str | None) -> tuple[date, date]:
    """The days of a `from`/`to` query: by default the week up to today, or up to `to`."""
    last_day = parse_date(last, "to") if last is not None else date.today()
    if first is not None:
        return parse_date(first, "from"), last_day
    try:
        return last_day - timedelta(days=DEFAULT_PERIOD_DAYS - 1), last_day
    except OverflowError:  # to=0001-01-01: no week before it
        raise InvalidInput("date_too_late", field="to") from None


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput("to_before_from", field="to")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput("period_too_long", field="to", days=MAX_PERIOD_DAYS)


class SummaryCache:
    """Day summaries as JSON, memoised by everything they depend on.

    A summary is a pure function of the factor table, profile, location, day and
    counts, so a past day is computed once and a 365-day report costs SQL plus a
    lookup per day. One entry per table, profile, location and day, holding the
    counts it was computed from (the store's `key`: a str, cheap to compare): when
    today's counts change, its entry is replaced, not joined by another. Only the JSON
    is kept (a sixth of the memory of the dict it came from; ASCII, so a str of one
    byte per character). Bounded (least recently used entries go first); thread-safe.
    """

    def __init__(self, size: int = 1024):
        self.size = size
        self._entries: OrderedDict[tuple, tuple[FactorTable, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def day_json(self, table: FactorTable, profile: str, location: str, day: date,
                 counts: dict) -> str:
        """The JSON of day_summary for `counts`, an entry of Store.days."""
        key = (id(table), profile, location, day)
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[1] == counts["key"]:
                self._entries.move_to_end(key)
                return entry[2]
        summary = day_summary(table, profile, location, day, counts["total"], counts["sites"],
                              counts["labels"])
        text = json.dumps(summary)
        with self._lock:
            # The table is kept so that no other table can get its id.
            self._entries[key] = (table, counts["key"], text)
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return text


SUMMARIES = SummaryCache()
NO_COUNTS = {"total": Counts(), "sites": {}, "labels": {}, "key": ""}


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
    return [json.loads(text) for text in days_report_texts(store, table, config, first, last,
                                                           profile, location)]


def days_report_texts(
    store: Store, table: FactorTable, config: Config, first: date, last: date,
    profile: str | None = None, location: str | None = None,
) -> list[str]:
    """days_report as the JSON text of each day (ASCII), from the day summary cache."""
    check_period(first, last)
    profile, location = in_force(table, config, store.get_settings(), profile, location)
    counted = store.days(first, last)
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [SUMMARIES.day_json(table, profile, location, day,
                               counted.get(day.isoformat(), NO_COUNTS))
            for day in days]


def today_summary(
    store: Store, table: FactorTable, config: Config, day: date | None = None,
    profile: str | None = None, location: str | None = None,
) -> dict:
    """The summary of one local day (default: today in the local time zone)."""
    day = day or date.today()
    return days_report(store, table, config, day, day, profile, location)[0]


def summary_answer(
    store: Store, table: FactorTable, config: Config, day: date | None = None,
    profile: str | None = None, location: str | None = None,
) -> dict:
    """today_summary plus `any_counts`: whether any count is stored at all, on any day.

    False means the extension has never posted (not paired yet) or everything was
    deleted; the dashboard then says how to pair. A day with use answers without a query.
    """
    summary = today_summary(store, table, config, day, profile, location)
    used = summary["prompts"] or summary["images"] or summary["videos"]
    summary["any_counts"] = bool(used) or store.counts_between(date.min, date.max) != Counts()
    return summary


def factors_in_force(
    store: Store, table: FactorTable, config: Config,
    profile: str | None = None, location: str | None = None,
) -> dict:
    profile, location = in_force(table, config, store.get_settings(), profile, location)
    return {"profile": profile, "location": location, "table": table.model_dump(mode="json")}


def scenario_in_force(store: Store, table: FactorTable, config: Config,
                      inputs: ScenarioInputs) -> dict:
    """The school-day calculator with the user's profile and location unless it names them."""
    check_choice(table, inputs.profile, inputs.location)
    if not (inputs.profile and inputs.location):
        profile, location = in_force(table, config, store.get_settings(), inputs.profile,
                                     inputs.location)
        inputs = inputs.model_copy(update={"profile": profile, "location": location})
    return run_scenario(table, inputs)
