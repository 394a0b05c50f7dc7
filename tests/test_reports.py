"""Day summaries from a real store: the cache follows the counts and stays bounded."""

from __future__ import annotations

import json
from datetime import date

from aifootprint.daemon.services.reports import SummaryCache
from test_store import row

DAY = date(2025, 3, 1)


def summary_of_day(cache, factors, store, profile="report"):
    counts = store.days(DAY, DAY)[DAY.isoformat()]
    return json.loads(cache.day_json(factors, profile, "NL", DAY, counts))


def test_summary_cache_follows_new_events_and_keeps_one_entry_per_day(store, factors):
    cache = SummaryCache()
    for prompts in (1, 2, 3):
        store.add_events([row()])
        summary = summary_of_day(cache, factors, store)
        assert (summary["prompts"], summary["energy_wh"]) == (prompts, 4 * prompts)
    assert len(cache) == 1  # the day's older summaries were replaced, not kept
    assert summary_of_day(cache, factors, store, "google-2025")["profile"] == "google-2025"
    assert len(cache) == 2


def test_summary_cache_is_bounded(store, factors):
    cache = SummaryCache(size=2)
    store.add_events([row(ts=f"2025-03-0{day}T10:00:00Z", count=day) for day in (1, 2, 3)])
    for name, counts in store.days(date(2025, 3, 1), date(2025, 3, 3)).items():
        summary = json.loads(cache.day_json(factors, "report", "NL", date.fromisoformat(name),
                                            counts))
        assert (summary["date"], summary["prompts"]) == (name, int(name[-1]))
    assert len(cache) == 2
