"""The HTTP API in-process: what the extension, dashboard and CLI see."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from aifootprint.daemon.server.keys import CREDENTIALS, OPENAPI
from aifootprint.model.events import MAX_BATCH


def event(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "ts": "2025-03-01T10:00:00Z", "site": "chatgpt.com",
            "kind": "prompt", "count": 1, **fields}


async def post(client, auth, events) -> tuple[int, dict]:
    response = await client.post("/api/v1/events", json={"events": events}, headers=auth)
    return response.status, await response.json()


async def get(client, auth, path) -> tuple[int, object]:
    response = await client.get(path, headers=auth)
    return response.status, await response.json()


async def day_prompts(client, auth, day="2025-03-01") -> int:
    return (await get(client, auth, f"/api/v1/summary?date={day}"))[1]["prompts"]


async def test_health_says_ok_and_version(client):
    status, body = await get(client, {}, "/api/v1/health")
    assert status == 200 and body["status"] == "ok" and body["version"]


async def test_events_are_accepted_and_summarised(client, auth):
    status, body = await post(client, auth, [event(count=2), event(kind="image", count=4,
                                                                   site="midjourney.com")])
    assert (status, body) == (200, {"accepted": 2, "duplicates": 0})
    status, summary = await get(client, auth, "/api/v1/summary?date=2025-03-01")
    assert summary["prompts"] == 2 and summary["images"] == 4
    assert summary["energy_wh"] == pytest.approx(2 * 4 + 4 * 8.5)
    for metric in ("energy_wh", "co2_g", "water_ml"):
        low, high = summary["range"][metric]["low"], summary["range"][metric]["high"]
        assert low <= summary[metric] <= high
    assert [site["name"] for site in summary["sites"]] == ["midjourney.com", "chatgpt.com"]
    assert summary["equivalents"] and summary["date"] == "2025-03-01"
    assert (summary["profile"], summary["location"]) == ("report", "NL")


async def test_events_same_batch_twice_is_stored_once(client, auth):
    batch = [event(), event(count=5)]
    assert (await post(client, auth, batch))[1] == {"accepted": 2, "duplicates": 0}
    assert (await post(client, auth, batch))[1] == {"accepted": 0, "duplicates": 2}
    assert await day_prompts(client, auth) == 6


async def test_events_labels_and_regenerations_are_counted(client, auth):
    await post(client, auth, [event(label="homework"), event(regenerated=True),
                              event(label="lesson-prep", count=3)])
    _, summary = await get(client, auth, "/api/v1/summary?date=2025-03-01")
    assert summary["prompts"] == 5
    labels = {group["name"]: group["prompts"] for group in summary["labels"]}
    assert labels == {"lesson-prep": 3, "homework": 1, "": 1}


def far_future() -> str:
    return (datetime.now(UTC) + timedelta(hours=25)).isoformat()


INVALID = [
    ("ts", {"ts": "2025-03-01 10:00"}),
    ("ts", {"ts": "2025-03-01T10:00:00"}),  # no offset
    ("ts", {"ts": far_future()}),
    ("ts", {"ts": "2019-12-31T23:59:59Z"}),
    ("ts", {"ts": 1740823200}),
    ("kind", {"kind": "audio"}),  # 'video' is a kind since the video migration (README)
    ("seconds", {"kind": "video", "seconds": 0}),
    ("seconds", {"kind": "video", "seconds": 3601}),
    ("count", {"count": 0}),
    ("count", {"count": 1001}),
    ("count", {"count": "3"}),
    ("count", {"count": 2.5}),
    ("count", {"count": True}),
    ("site", {"site": "not a host"}),
    ("site", {"site": "a" * 254}),
    ("site", {"site": "https://chatgpt.com/"}),
    ("model", {"model": "m" * 201}),
    ("label", {"label": ""}),
    ("label", {"label": 7}),
    ("id", {"id": "not-a-uuid"}),
    ("regenerated", {"regenerated": "yes"}),
]


@pytest.mark.parametrize("field,change", INVALID, ids=[f"{f}-{i}" for i, (f, _) in
                                                        enumerate(INVALID)])
async def test_events_invalid_event_is_422_naming_field_and_index(client, auth, field, change):
    batch = [event(), event(), event(), event(**change)]
    status, body = await post(client, auth, batch)
    assert status == 422
    assert body["error"]["field"] == f"events[3].{field}"
    assert f"events[3].{field}" in body["error"]["message"]
    assert await day_prompts(client, auth) == 0  # all or nothing


async def test_events_missing_field_is_named(client, auth):
    incomplete = event()
    del incomplete["kind"]
    status, body = await post(client, auth, [incomplete])
    assert (status, body["error"]["field"]) == (422, "events[0].kind")


@pytest.mark.parametrize("body,field", [
    ({}, "events"), ([], ""), ({"events": "x"}, "events"), ({"events": [1]}, "events[0]"),
    ({"events": [], "extra": 1}, "extra"), (None, ""), ("events", ""),
])
async def test_events_wrong_body_shape_is_422(client, auth, body, field):
    response = await client.post("/api/v1/events", data=json.dumps(body),
                                 headers={**auth, "Content-Type": "application/json"})
    assert response.status == 422
    assert (await response.json())["error"]["field"] == field


async def test_events_batch_over_the_limit_is_refused(client, auth):
    status, body = await post(client, auth, [event() for _ in range(MAX_BATCH + 1)])
    assert status == 422 and body["error"]["field"] == "events"
    status, body = await post(client, auth, [event() for _ in range(MAX_BATCH)])
    assert (status, body["accepted"]) == (200, MAX_BATCH)


async def test_events_unknown_fields_are_ignored(client, auth):
    status, body = await post(client, auth, [event(adapter="chatgpt", tokens=12)])
    assert (status, body["accepted"]) == (200, 1)


async def test_events_site_is_stored_in_lower_case(client, auth):
    await post(client, auth, [event(site="ChatGPT.com")])
    _, summary = await get(client, auth, "/api/v1/summary?date=2025-03-01")
    assert summary["sites"][0]["name"] == "chatgpt.com"


async def test_events_while_paused_are_not_stored(client, auth):
    await client.put("/api/v1/settings", json={"paused": True}, headers=auth)
    status, body = await post(client, auth, [event(ts=datetime.now(UTC).isoformat())])
    assert (status, body) == (200, {"accepted": 0, "duplicates": 0, "paused": True})
    _, summary = await get(client, auth, "/api/v1/summary")
    assert summary["prompts"] == 0


async def test_events_counted_before_the_pause_are_stored_when_delivered_during_it(
        client, auth):
    """An extension that was offline delivers its queue late: use before the pause counts."""
    before = event(ts="2025-03-01T10:00:00Z")
    await client.put("/api/v1/settings", json={"paused": True}, headers=auth)
    during = event(ts=datetime.now(UTC).isoformat())
    status, body = await post(client, auth, [before, during])
    assert (status, body) == (200, {"accepted": 1, "duplicates": 0, "paused": True})
    assert await day_prompts(client, auth) == 1


async def test_an_event_in_the_pauses_own_second_is_not_stored(client, auth):
    """The extension's timestamps are whole seconds: 10:00:05 may be 10:00:05.9."""
    response = await client.put("/api/v1/settings", json={"paused": True}, headers=auth)
    paused_at = datetime.fromisoformat((await response.json())["paused_changed_at"])
    same_second = paused_at.replace(microsecond=0).isoformat()
    status, body = await post(client, auth, [event(ts=same_second)])
    assert (status, body["accepted"]) == (200, 0)


async def test_settings_say_when_pause_and_label_last_changed(client, auth):
    _, settings = await get(client, auth, "/api/v1/settings")
    assert (settings["paused_changed_at"], settings["label_changed_at"]) == (None, None)
    assert settings["labels"] == ["homework", "lesson-prep", "study", "other"]
    response = await client.put("/api/v1/settings", json={"paused": True}, headers=auth)
    paused_at = (await response.json())["paused_changed_at"]
    assert datetime.fromisoformat(paused_at) <= datetime.now(UTC)
    # Repeating the value (a client writing back what it read) is not a newer change.
    response = await client.put("/api/v1/settings", json={"paused": True, "label": "study"},
                                headers=auth)
    settings = await response.json()
    assert settings["paused_changed_at"] == paused_at
    assert settings["label_changed_at"] >= paused_at and settings["label"] == "study"


async def test_summary_defaults_to_today(client, auth):
    await post(client, auth, [event(ts=datetime.now(UTC).isoformat())])
    _, summary = await get(client, auth, "/api/v1/summary")
    today = datetime.now(UTC).astimezone().date().isoformat()
    assert summary["date"] == today and summary["prompts"] == 1


async def test_summary_says_whether_anything_was_ever_counted(client, auth):
    """any_counts: the dashboard's 'not paired yet' (nothing stored on any day)."""
    _, summary = await get(client, auth, "/api/v1/summary")
    assert summary["any_counts"] is False and summary["prompts"] == 0
    await post(client, auth, [event()])  # 2025-03-01, not today
    _, summary = await get(client, auth, "/api/v1/summary")
    assert summary["any_counts"] is True and summary["prompts"] == 0
    assert (await get(client, auth, "/api/v1/summary?date=2025-03-01"))[1]["any_counts"]
    await client.post("/api/v1/forget", json={"all": True}, headers=auth)
    assert (await get(client, auth, "/api/v1/summary"))[1]["any_counts"] is False


async def test_summary_profile_and_location_override(client, auth):
    await post(client, auth, [event(count=10)])
    _, report = await get(client, auth, "/api/v1/summary?date=2025-03-01")
    _, google = await get(client, auth,
                          "/api/v1/summary?date=2025-03-01&profile=google-2025&location=fr")
    assert google["profile"] == "google-2025" and google["location"] == "FR"
    assert google["energy_wh"] < report["energy_wh"] / 10
    assert google["co2_g"] / google["energy_wh"] < report["co2_g"] / report["energy_wh"]


@pytest.mark.parametrize("query,field", [("date=2025-13-01", "date"), ("profile=nope", "profile"),
                                         ("location=MARS", "location")])
async def test_summary_bad_query_is_422(client, auth, query, field):
    status, body = await get(client, auth, f"/api/v1/summary?{query}")
    assert (status, body["error"]["field"]) == (422, field)


async def test_days_lists_every_day_of_the_period(client, auth):
    await post(client, auth, [event(), event(ts="2025-03-03T12:00:00+01:00", count=2)])
    status, days = await get(client, auth, "/api/v1/days?from=2025-03-01&to=2025-03-04")
    assert status == 200
    assert [(d["date"], d["prompts"]) for d in days] == [
        ("2025-03-01", 1), ("2025-03-02", 0), ("2025-03-03", 2), ("2025-03-04", 0)]
    assert days[2]["sites"][0]["name"] == "chatgpt.com"


async def test_days_a_whole_year_follows_new_events_and_the_chosen_profile(client, auth):
    """366 days is sent in pieces and drawn from cached day summaries: still one JSON
    array, and a day's summary changes as soon as its counts or the profile do."""
    year = "/api/v1/days?from=2024-03-02&to=2025-03-02"
    await post(client, auth, [event(ts="2024-03-02T10:00:00Z", label="wiskunde-opdracht"),
                              event(), event(site="claude.ai", kind="image", count=2)])
    response = await client.get(year, headers=auth)
    assert response.headers["Content-Type"].startswith("application/json")
    days = json.loads(await response.read())
    assert len(days) == 366 and (days[0]["date"], days[-1]["date"]) == ("2024-03-02",
                                                                      "2025-03-02")
    assert days[0]["labels"][0]["name"] == "wiskunde-opdracht"
    assert (days[-2]["prompts"], days[-2]["images"]) == (1, 2)
    await post(client, auth, [event(count=3)])
    _, days = await get(client, auth, year)
    assert days[-2]["prompts"] == 4 and days[-2]["energy_wh"] == pytest.approx(4 * 4 + 2 * 8.5)
    _, google = await get(client, auth, year + "&profile=google-2025")
    assert (google[-2]["profile"], google[-2]["prompts"]) == ("google-2025", 4)
    assert google[-2]["energy_wh"] < days[-2]["energy_wh"] / 2


async def test_days_defaults_to_the_last_seven_days(client, auth):
    _, days = await get(client, auth, "/api/v1/days")
    assert len(days) == 7 and days[-1]["date"] == date.today().isoformat()


@pytest.mark.parametrize("query", ["from=2025-03-05&to=2025-03-01", "from=2024-01-01&to=2025-12-31",
                                   "from=yesterday"])
async def test_days_bad_period_is_422(client, auth, query):
    status, _ = await get(client, auth, f"/api/v1/days?{query}")
    assert status == 422


async def test_factors_show_table_and_choice_in_force(client, auth):
    status, body = await get(client, auth, "/api/v1/factors")
    assert status == 200 and (body["profile"], body["location"]) == ("report", "NL")
    assert body["table"]["profiles"]["report"]["prompt"]["central"] == 4
    _, body = await get(client, auth, "/api/v1/factors?profile=epoch-2025")
    assert body["profile"] == "epoch-2025"


async def test_settings_get_and_put(client, auth):
    status, settings = await get(client, auth, "/api/v1/settings")
    shared = {"paused_changed_at": None, "label_changed_at": None,
              "labels": ["homework", "lesson-prep", "study", "other"]}
    assert settings == {"profile": "report", "location": "NL", "lang": "en", "lang_saved": False,
                        "role": None, "paused": False, "label": None, **shared}
    response = await client.put("/api/v1/settings", headers=auth, json={
        "profile": "google-2025", "location": "us", "lang": "nl", "role": "teacher",
        "label": "lesson-prep"})
    assert response.status == 200
    answer = await response.json()
    assert answer.pop("label_changed_at") is not None
    assert answer == {"profile": "google-2025", "location": "US", "lang": "nl",
                      "lang_saved": True, "role": "teacher", "paused": False,
                      "label": "lesson-prep", "paused_changed_at": None,
                      "labels": shared["labels"]}
    _, summary = await get(client, auth, "/api/v1/summary")
    assert (summary["profile"], summary["location"]) == ("google-2025", "US")


@pytest.mark.parametrize("body,field", [
    ({"profile": "nope"}, "profile"), ({"role": "parent"}, "role"), ({"paused": "yes"}, "paused"),
    ({"colour": "red"}, "colour"), ({"lang": "de"}, "lang"), ({"label": "huiswerk"}, "label"),
])
async def test_settings_invalid_put_is_422_and_changes_nothing(client, auth, body, field):
    response = await client.put("/api/v1/settings", json=body, headers=auth)
    assert response.status == 422
    assert (await response.json())["error"]["field"] == field
    assert (await get(client, auth, "/api/v1/settings"))[1]["profile"] == "report"


async def test_openapi_describes_every_route_and_the_bounds(client, auth):
    status, spec = await get(client, auth, "/api/v1/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    routes = {resource.canonical for resource in client.app.router.resources()}
    documented = {"/api/v1" + path for path in spec["paths"]} | {"/api/v1/openapi.json", "/pair"}
    assert {r for r in routes if r.startswith("/api/v1") or r == "/pair"} <= documented
    event_schema = spec["components"]["schemas"]["Event"]
    assert event_schema["properties"]["count"]["maximum"] == 1000
    batch = spec["components"]["schemas"]["EventBatch"]
    assert batch["properties"]["events"]["maxItems"] == MAX_BATCH


@pytest.mark.parametrize("lang,text", [("en", "Paired"), ("nl", "Gekoppeld")])
async def test_pair_page_hands_url_and_token_to_the_extension(client, session, lang, text):
    """Only to the browser that logged in to the dashboard, and only the extension's token."""
    response = await client.get(f"/pair?lang={lang}", headers=session)
    html = await response.text()
    port = client.server.port
    assert f'<main id="pairing" data-url="http://127.0.0.1:{port}" ' \
           f'data-token="{client.app[CREDENTIALS].extension_token}" data-state="waiting">' in html
    assert client.app[CREDENTIALS].owner_token not in html
    assert text in html and f'lang="{lang}"' in html
    for state in ("waiting", "paired", "failed"):
        assert f'#pairing[data-state="{state}"] .state-{state}' in html


async def test_events_when_the_writer_is_full_answer_503_with_retry_after(client, auth,
                                                                        monkeypatch):
    from aifootprint.daemon.server.keys import STORE

    monkeypatch.setattr(client.app[STORE], "max_pending_writes", 0)
    response = await client.post("/api/v1/events", json={"events": [event()]}, headers=auth)
    assert response.status == 503 and response.headers["Retry-After"] == "1"
    assert "try again" in (await response.json())["error"]["message"]
    monkeypatch.undo()
    assert await day_prompts(client, auth) == 0


async def test_api_days_before_year_one_is_refused_naming_the_field(client, auth):
    response = await client.get("/api/v1/days?to=0001-01-01", headers=auth)
    assert response.status == 422
    assert (await response.json())["error"]["field"] == "to"


def test_openapi_every_route_has_a_description_generated_from_the_table(client):
    from aifootprint.daemon.server.routes import ROUTES

    served = {(r.method, r.resource.canonical) for r in client.app.router.routes()
              if r.method != "HEAD" and r.resource.canonical != "/static"}
    described = {(route.method, route.url) for route in ROUTES if route.summary.strip()}
    assert served == described
    paths = client.app[OPENAPI]["paths"]
    for route in ROUTES:
        if route.api and route.path != "/openapi.json":
            assert paths[route.path][route.method.lower()]["summary"] == route.summary


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/api/v1/health", None),
    ("POST", "/api/v1/events", {"events": []}),
    ("GET", "/api/v1/summary", None),
    ("GET", "/api/v1/days?from=2025-03-01&to=2025-03-03", None),
    ("GET", "/api/v1/factors", None),
    ("GET", "/api/v1/settings", None),
    ("PUT", "/api/v1/settings", {"paused": False}),
    ("POST", "/api/v1/scenario", {}),
    ("POST", "/api/v1/forget", {"all": True}),
    ("GET", "/api/v1/class/status", None),
])
async def test_openapi_answers_fit_their_documented_models(client, auth, method, path, body):
    from aifootprint.daemon.server.routes import ROUTES

    await client.post("/api/v1/events", json={"events": [event()]}, headers=auth)
    response = await client.request(method, path, json=body, headers=auth)
    assert response.status == 200
    route = next(r for r in ROUTES if r.method == method and r.url == path.split("?")[0])
    answer = await response.json()
    for item in answer if isinstance(answer, list) else [answer]:
        route.answer.model_validate(item)


async def test_events_a_video_is_its_own_kind_never_an_image(client, auth):
    today = datetime.now().astimezone().isoformat()
    batch = [event(kind="video", count=2, seconds=8, ts=today, site="sora.chatgpt.com"),
             event(kind="video", ts=today, site="sora.chatgpt.com"), event(kind="image",
                                                                            ts=today)]
    response = await client.post("/api/v1/events", json={"events": batch}, headers=auth)
    assert (await response.json())["accepted"] == 3
    status, summary = await get(client, auth, "/api/v1/summary")
    assert (summary["videos"], summary["images"], summary["prompts"]) == (3, 1, 0)
    assert summary["energy_wh"] == pytest.approx(3 * 415 + 8.5)
    site = next(s for s in summary["sites"] if s["name"] == "sora.chatgpt.com")
    assert (site["videos"], site["images"]) == (3, 0)
    response = await client.get("/api/v1/export", headers=auth)
    exported = [e for e in (await response.json())["events"] if e["kind"] == "video"]
    assert sorted(e.get("seconds") for e in exported if e.get("seconds")) == [8]


async def test_api_a_5000_digit_count_is_422_not_500(client, auth):
    body = json.dumps({"events": [event()]}).replace('"count": 1', '"count": ' + "9" * 5000)
    response = await client.post("/api/v1/events", data=body, headers={
        **auth, "Content-Type": "application/json"})
    assert response.status == 422
    assert (await get(client, auth, "/api/v1/summary?date=2025-03-01"))[1]["prompts"] == 0


async def test_api_405_says_which_methods_are_allowed(client, auth):
    response = await client.delete("/api/v1/summary", headers=auth)
    assert response.status == 405 and set(response.headers["Allow"].split(",")) >= {"GET"}


async def test_api_csv_export_neutralises_formulas_and_imports_them_back(client, auth, tmp_path):
    from aifootprint.daemon.services.exchange import export_rows, load_export

    sneaky = event(model='=HYPERLINK("http://x")', label="@SUM(1+1)")
    await client.post("/api/v1/events", json={"events": [sneaky]}, headers=auth)
    text = await (await client.get("/api/v1/export?format=csv", headers=auth)).text()
    import csv
    import io

    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["model"], row["label"]) == ("'" + sneaky["model"], "'@SUM(1+1)")
    path = tmp_path / "export.csv"
    path.write_text(text)
    (back,) = export_rows(load_export(path), "The file")
    assert (back["model"], back["label"]) == (sneaky["model"], sneaky["label"])
