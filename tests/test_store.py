"""The SQLite store against a real file: batches, duplicates, local days, counts, forget."""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlite_utils

from aifootprint.daemon.services.recording import add_events_unless_paused
from aifootprint.daemon.store.events import Store
from aifootprint.model.events import Event, event_row
from aifootprint.model.footprint import Counts

RECEIVED = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)


def row(ts="2025-03-01T10:00:00Z", site="chatgpt.com", kind="prompt", count=1, label=None,
        **extra):
    event = Event(id=uuid.uuid4(), ts=ts, site=site, kind=kind, count=count, label=label, **extra)
    return event_row(event, RECEIVED)


@pytest.fixture
def amsterdam(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_store_batch_is_counted_and_summed_per_day(store):
    rows = [row(count=2), row(kind="image", count=4, site="midjourney.com"), row(label="homework")]
    assert store.add_events(rows) == (3, 0)
    assert store.counts_between(date(2025, 3, 1), date(2025, 3, 1)) == Counts(prompts=3, images=4)
    assert store.counts_between(date(2025, 3, 2), date(2025, 3, 2)) == Counts()
    by_site = store.days(date(2025, 3, 1), date(2025, 3, 1))["2025-03-01"]["sites"]
    assert by_site == {"chatgpt.com": Counts(3, 0), "midjourney.com": Counts(0, 4)}
    by_label = store.days(date(2025, 3, 1), date(2025, 3, 1))["2025-03-01"]["labels"]
    assert by_label == {"": Counts(2, 4), "homework": Counts(1, 0)}


def test_store_same_batch_twice_is_stored_once(store):
    rows = [row(), row(count=3)]
    assert store.add_events(rows) == (2, 0)
    assert store.add_events(rows) == (0, 2)
    assert store.event_count() == 2
    assert store.counts_between(date(2025, 3, 1), date(2025, 3, 1)).prompts == 4


def test_store_duplicate_within_a_batch_is_stored_once(store):
    first = row()
    assert store.add_events([first, dict(first), row()]) == (2, 1)


def test_store_retry_of_an_old_event_is_a_duplicate(store):
    old = row(ts="2025-01-31T23:59:59+01:00")
    store.add_events([old, row(ts="2025-02-01T00:00:00Z")])
    assert store.add_events([dict(old)]) == (0, 1)


def test_store_same_id_with_another_timestamp_is_a_duplicate(store):
    first = row(ts="2025-03-01T10:00:00Z")
    store.add_events([first])
    assert store.add_events([{**first, "ts": "2025-03-05T10:00:00Z"}]) == (0, 1)
    assert store.event_count() == 1


def test_store_batch_with_a_bad_row_stores_nothing(store):
    bad = {**row(), "count": 0}  # the table's CHECK refuses it after the first row went in
    with pytest.raises(sqlite3.IntegrityError):
        store.add_events([row(), bad])
    assert store.event_count() == 0
    assert store.counts_between(date(2025, 3, 1), date(2025, 3, 1)) == Counts()


def test_store_local_day_follows_the_users_time_zone(store, amsterdam):
    store.add_events([row(ts="2025-03-01T23:30:00Z"), row(ts="2025-07-01T21:59:00Z")])
    march_2, july_1 = date(2025, 3, 2), date(2025, 7, 1)
    assert store.counts_between(march_2, march_2).prompts == 1  # 00:30 in Amsterdam
    assert store.counts_between(july_1, july_1).prompts == 1  # 23:59 in summer time


def test_store_ts_is_kept_as_sent(store):
    store.add_events([row(ts="2025-03-01T11:00:00.123+01:00")])
    (event,) = store.export_events()
    assert event["ts"] == "2025-03-01T11:00:00.123+01:00"
    assert event["local_date"] == "2025-03-01"


def test_store_days_groups_sites_and_labels(store):
    store.add_events([row(), row(ts="2025-03-03T10:00:00Z", label="lesson-prep", count=5)])
    days = store.days(date(2025, 3, 1), date(2025, 3, 31))
    assert set(days) == {"2025-03-01", "2025-03-03"}
    assert days["2025-03-03"]["labels"] == {"lesson-prep": Counts(5, 0)}
    assert days["2025-03-01"]["sites"] == {"chatgpt.com": Counts(1, 0)}


def test_store_forget_before_a_date_keeps_later_days(store):
    store.add_events([row(ts="2025-02-28T10:00:00Z"), row(), row(ts="2025-03-05T10:00:00Z")])
    assert store.forget(before=date(2025, 3, 1)) == 1
    assert store.counts_between(date(2020, 1, 1), date(2025, 12, 31)).prompts == 2
    assert store.conn.execute("SELECT COUNT(*) FROM daily_counts").fetchone()[0] == 2


def test_store_forget_all_leaves_nothing(store):
    store.add_events([row(), row(kind="image")])
    assert store.forget() == 2
    assert store.event_count() == 0
    assert store.counts_between(date(2025, 3, 1), date(2025, 3, 1)) == Counts()


def test_store_settings_round_trip(store):
    assert store.get_settings() == {}
    store.put_settings({"profile": "google-2025", "paused": True, "label": None})
    store.put_settings({"paused": False})
    assert store.get_settings() == {"profile": "google-2025", "paused": False, "label": None}


def test_store_paused_stores_nothing(store):
    store.put_settings({"paused": True})
    assert add_events_unless_paused(store, [row()]) == {
        "accepted": 0, "duplicates": 0, "paused": True}
    assert store.event_count() == 0


def test_store_activity_label_tags_events_that_have_none(store):
    store.put_settings({"label": "lesson-prep"})
    add_events_unless_paused(store, [row(), row(label="homework")])
    by_label = store.days(date(2025, 3, 1), date(2025, 3, 1))["2025-03-01"]["labels"]
    assert by_label == {"lesson-prep": Counts(1, 0), "homework": Counts(1, 0)}


def test_store_never_stores_impacts(store):
    columns = {c.name for c in sqlite_utils.Database(store.conn)["events"].columns}
    assert not columns & {"energy_wh", "co2_g", "water_ml"}


def test_store_days_sees_another_connections_writes(store, tmp_path):
    first, last = date(2025, 3, 1), date(2025, 3, 31)
    assert store.days(first, last) == {}
    with Store(tmp_path / "footprint.db") as other:
        other.add_events([row()])
    assert store.days(first, last)["2025-03-01"]["total"] == Counts(1, 0)
    store.add_events([row()])
    assert store.days(first, last)["2025-03-01"]["total"] == Counts(2, 0)


def test_store_days_are_reread_only_when_they_change(store):
    store.add_events([row(), row(ts="2025-03-02T10:00:00Z")])
    first, last = date(2025, 3, 1), date(2025, 3, 31)
    before = store.days(first, last)
    store.add_events([row(ts="2025-03-02T11:00:00Z", kind="image", count=2)])
    after = store.days(first, last)
    assert after["2025-03-01"] is before["2025-03-01"]  # unchanged day: not read again
    assert after["2025-03-02"]["total"] == Counts(1, 2)
    store.forget(before=date(2025, 3, 2))
    assert set(store.days(first, last)) == {"2025-03-02"}
    store.forget()
    assert store.days(first, last) == {}


def test_store_old_database_gets_day_versions(tmp_path):
    from aifootprint.core.migrations import migrate
    from aifootprint.daemon.store.migrations import MIGRATIONS

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, MIGRATIONS[:2])
    conn.execute("INSERT INTO daily_counts VALUES ('2025-03-01', 'chatgpt.com', '', 'prompt', 3)")
    conn.close()
    with Store(path) as upgraded:
        assert upgraded.days(date(2025, 3, 1), date(2025, 3, 1))["2025-03-01"]["total"] == \
            Counts(3, 0)
