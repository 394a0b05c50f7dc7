"""Day summaries and period reports: what the API, the CLI and the dashboard show.

Counts come from the store (aggregated in SQL); impacts from footprint.summarize and
summarize_groups, so a change of profile or location re-computes all history.
"""

from __future__ import annotations

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
    check_period(first, last)
    profile, location = in_force(table, config, store.get_settings(), profile, location)
    counted = store.days(first, last)
    empty = {"total": Counts(), "sites": {}, "labels": {}}
    report = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        entry = counted.get(day.isoformat(), empty)
        report.append(day_summary(
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
