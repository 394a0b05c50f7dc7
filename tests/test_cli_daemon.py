"""The command line: run/status/today/report/token and export/import/forget; writes go
through a running daemon, or are made under the instance lock when none runs."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.daemon.config import load_config
from aifootprint.daemon.instance import InstanceLock
from aifootprint.daemon.services import exchange
from aifootprint.daemon.store.events import Store
from aifootprint.model.events import MAX_BODY_BYTES, Event, event_row
from daemon_process import daemon_env, start_daemon


def invoke(home, *args, input=None):
    return CliRunner().invoke(main, [*args, "--home", str(home), "--lang", "en"], input=input)


def seed(home, *events) -> None:
    received = datetime.now(UTC)
    with Store(home / "data" / "footprint.db") as store:
        store.add_events([event_row(Event(**e), received) for e in events])


def event(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "ts": "2025-03-01T10:00:00Z", "site": "chatgpt.com",
            "kind": "prompt", "count": 1, **fields}


def now_event(**fields) -> dict:
    return event(ts=datetime.now(UTC).isoformat(), **fields)


def test_today_json_has_the_figures(home):
    seed(home, now_event(count=3), now_event(kind="image", count=2, site="www.midjourney.com"))
    result = invoke(home, "today", "--json")
    assert result.exit_code == 0, result.output
    today = json.loads(result.output)
    assert (today["prompts"], today["images"]) == (3, 2)
    assert today["energy_wh"] == pytest.approx(3 * 4 + 2 * 8.5)
    assert today["range"]["co2_g"]["low"] <= today["co2_g"] <= today["range"]["co2_g"]["high"]


@pytest.mark.parametrize("lang,words", [("en", ["prompts: 2", "electricity", "phone"]),
                                        ("nl", ["vragen: 2", "stroom", "telefoon"])])
def test_today_table_speaks_the_language(home, lang, words):
    seed(home, now_event(count=2))
    result = CliRunner().invoke(main, ["today", "--home", str(home), "--lang", lang])
    assert result.exit_code == 0
    for word in words:
        assert word in result.output


def test_report_formats(home):
    seed(home, event(), event(ts="2025-03-03T10:00:00Z", count=4))
    args = ("report", "--from", "2025-03-01", "--to", "2025-03-03")
    days = json.loads(invoke(home, *args, "--format", "json").output)
    assert [d["prompts"] for d in days] == [1, 0, 4]
    csv_lines = invoke(home, *args, "--format", "csv").output.splitlines()
    assert csv_lines[0].startswith("date,prompts,images,energy_wh,co2_g,water_ml")
    assert csv_lines[3].startswith("2025-03-03,4,0,16.0,")
    table = invoke(home, *args).output
    assert "2025-03-02" in table and "total" in table and "20 Wh" in table


@pytest.mark.parametrize("args,message", [
    (("report", "--from", "March"), "--from must be a date"),
    (("report", "--from", "2024-01-01", "--to", "2025-12-31"), "at most 366 days"),
    (("report", "--from", "2025-03-05", "--to", "2025-03-01"), "not be before"),
    (("forget", "--before", "soon", "--yes"), "--before must be a date"),
])
def test_cli_errors_are_one_sentence_without_traceback(home, args, message):
    result = invoke(home, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_token_prints_the_private_token(home):
    result = invoke(home, "token")
    token_file = home / "config" / "extension-token"  # the extension's, not the owner's
    assert result.output.strip() == token_file.read_text().strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert invoke(home, "token").output == result.output


def test_status_when_stopped(home):
    result = invoke(home, "status")
    assert result.exit_code == 0 and "not running" in result.output
    assert json.loads(invoke(home, "status", "--json").output)["running"] is False


def test_status_when_running_and_import_beside_it(daemon, tmp_path):
    info = json.loads(invoke(daemon.home, "status", "--json").output)
    assert info["running"] is True and info["port"] == daemon.port
    assert info["pid"] == daemon.process.pid and info["today"]["prompts"] == 0
    export = tmp_path / "one.json"
    other = tmp_path / "other"
    seed(other, now_event(count=7))
    invoke(other, "export", "-o", str(export))
    assert invoke(daemon.home, "import", str(export)).exit_code == 0
    assert daemon.get("/api/v1/summary")[1]["prompts"] == 7  # the daemon sees it at once


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trips(home, tmp_path, fmt):
    seed(home, event(model="gpt-4o", label="homework"), event(kind="image", count=4,
         regenerated=True), event(ts="2025-03-02T08:00:00+01:00", site="claude.ai"))
    first = tmp_path / f"first.{fmt}"
    assert invoke(home, "export", "--format", fmt, "-o", str(first)).exit_code == 0
    copy = tmp_path / "copy"
    result = invoke(copy, "import", str(first))
    assert result.exit_code == 0
    assert "Imported 3 counts (already stored, so skipped: 0)" in result.output
    second = tmp_path / f"second.{fmt}"
    invoke(copy, "export", "--format", fmt, "-o", str(second))
    assert body(first, fmt) == body(second, fmt)
    again = invoke(copy, "import", str(first))
    assert "Imported 0 counts (already stored, so skipped: 3)" in again.output


def body(path, fmt):
    if fmt == "json":
        return json.loads(path.read_text())["events"]
    return path.read_text()


def test_export_never_contains_impacts(home):
    seed(home, event())
    exported = json.loads(invoke(home, "export").output)
    assert exported["format"] == "aifootprint-export"
    assert set(exported["events"][0]) == {"id", "ts", "local_date", "site", "kind", "count",
                                          "model", "label", "regenerated", "received_at"}


@pytest.mark.parametrize("content,message", [
    ('{"format": "aifootprint-export", "version": 1, "events": [EVENTS]}', "events[1].count"),
    ("not an export at all", "neither a JSON nor a CSV export"),
    ('{"events": []}', "not an AI Footprint export"),
    ('{"format": "aifootprint-export", "events": [', "not valid JSON"),
])
def test_import_malformed_file_is_refused_whole(home, tmp_path, content, message):
    events = [json.dumps(event()), json.dumps(event(count=-1)), json.dumps(event())]
    path = tmp_path / "bad.json"
    path.write_text(content.replace("EVENTS", ", ".join(events)))
    result = invoke(home, "import", str(path))
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(invoke(home, "export").output)["events"] == []


def test_forget_before_a_date(home):
    seed(home, event(ts="2025-02-01T10:00:00Z"), event())
    result = invoke(home, "forget", "--before", "2025-03-01", "--yes")
    assert result.exit_code == 0 and "Deleted 1 count" in result.output
    assert [e["local_date"] for e in json.loads(invoke(home, "export").output)["events"]] == [
        "2025-03-01"]


def test_forget_all_asks_first(home):
    seed(home, event(), event())
    refused = invoke(home, "forget", "--all", input="n\n")
    assert "Delete ALL 2 stored counts?" in refused.output and "Nothing was deleted" in \
        refused.output
    assert invoke(home, "forget", "--all", input="y\n").exit_code == 0
    assert json.loads(invoke(home, "export").output)["events"] == []


def test_forget_needs_all_or_before(home):
    result = invoke(home, "forget", "--yes")
    assert result.exit_code == 2 and "--all or --before" in result.output + result.stderr


@pytest.mark.parametrize("command", ["run", "status", "today", "report", "token", "export",
                                     "import", "forget"])
def test_every_command_help_has_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"aifootprint {command}" in result.output
    assert "--home" in result.output


def test_cli_as_a_process_prints_no_traceback(home):
    result = subprocess.run(
        [sys.executable, "-m", "aifootprint", "import", str(home / "missing.json")],
        env=daemon_env(home), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_every_text_is_in_dutch_and_english():
    from aifootprint.core.i18n import missing_translations

    assert missing_translations() == []


@pytest.mark.parametrize("lang, answers, deleted", [
    ("nl", "j\n", True), ("nl", "ja\n", True), ("nl", "nee\n", False), ("nl", "\n", False),
    ("nl", "y\nj\n", True),  # 'y' is not Dutch: asked again, then yes
    ("en", "yes\n", True), ("en", "j\nn\n", False),
])
def test_forget_asks_in_the_users_language(home, lang, answers, deleted):
    seed(home, event())
    result = CliRunner().invoke(main, ["forget", "--all", "--home", str(home), "--lang", lang],
                                input=answers)
    assert result.exit_code == 0, result.output
    assert ("[j/N]" if lang == "nl" else "[y/N]") in result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
    with Store(home / "data" / "footprint.db") as store:
        assert (store.event_count() == 0) == deleted


def test_cli_errors_start_in_the_users_language(home):
    result = CliRunner().invoke(main, ["report", "--from", "March", "--home", str(home),
                                       "--lang", "nl"])
    assert result.exit_code == 1 and result.output.startswith("Fout: ")
def export_of(tmp_path, *events) -> Path:
    """An export file of these events, made by the CLI in a home of its own."""
    other, path = tmp_path / "other", tmp_path / "export.json"
    seed(other, *events)
    assert invoke(other, "export", "-o", str(path)).exit_code == 0
    return path


def test_import_and_forget_go_through_the_running_daemon(daemon, tmp_path):
    export = export_of(tmp_path, now_event(count=2), now_event(),
                       *(event() for _ in range(1500)))
    assert export.stat().st_size > MAX_BODY_BYTES  # more than any other request may send
    done = invoke(daemon.home, "import", str(export))
    assert done.exit_code == 0
    assert "Imported 1,502 counts (already stored, so skipped: 0)" in done.output
    again = invoke(daemon.home, "import", str(export)).output
    assert "Imported 0 counts (already stored, so skipped: 1,502)" in again
    assert daemon.get("/api/v1/summary")[1]["prompts"] == 3
    forgotten = invoke(daemon.home, "forget", "--before", date.today().isoformat(), "--yes")
    assert forgotten.exit_code == 0 and "Deleted 1,500 counts" in forgotten.output
    assert invoke(daemon.home, "forget", "--all", "--yes").exit_code == 0
    assert daemon.get("/api/v1/summary")[1]["prompts"] == 0


def test_import_through_the_daemon_refuses_a_malformed_file_whole(daemon, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "aifootprint-export", "version": 1,
                                "events": [event(), event(count=0)]}))
    result = invoke(daemon.home, "import", str(path))
    # The daemon's own sentence: it validated the document, not the CLI.
    assert result.exit_code == 1 and "The document is not a valid export" in result.stderr
    assert "events[1].count" in result.stderr and len(result.stderr.splitlines()) == 1
    assert daemon.get("/api/v1/days?from=2025-03-01&to=2025-03-01")[1][0]["prompts"] == 0


def test_import_without_a_daemon_writes_holding_the_instance_lock(home, tmp_path,
                                                                  monkeypatch):
    from aifootprint.cli import data

    export = export_of(tmp_path, event())
    held = []

    def import_file(store, path):
        probe = InstanceLock(load_config(home=home, env={}).lock_path)
        held.append(not probe.acquire())  # a daemon starting now would wait
        return exchange.import_file(store, path)

    monkeypatch.setattr(data, "import_file", import_file)
    assert invoke(home, "import", str(export)).exit_code == 0
    assert held == [True]


def test_a_daemon_started_while_a_command_writes_waits_for_it(home):
    lock = InstanceLock(load_config(home=home, env={}).lock_path)
    assert lock.acquire()  # as `aifootprint import` does with no daemon running
    started = []
    starting = threading.Thread(target=lambda: started.append(start_daemon(home)))
    starting.start()
    time.sleep(1.5)
    assert not started  # it waits for the lock instead of giving up
    lock.release()
    starting.join()
    (daemon,) = started
    try:
        assert daemon.post("/api/v1/events", {"events": [event()]})[0] == 200
    finally:
        daemon.stop()
    assert "already" not in "".join(daemon.output)


def test_a_command_while_a_daemon_starts_says_one_sentence(home, tmp_path, monkeypatch):
    from aifootprint.daemon import client

    export = export_of(tmp_path, event())
    lock = InstanceLock(load_config(home=home, env={}).lock_path)
    assert lock.acquire()  # a daemon that has not written its address yet
    monkeypatch.setattr(client, "CLAIM_WAIT_S", 0.2)
    try:
        result = invoke(home, "import", str(export))
    finally:
        lock.release()
    assert result.exit_code == 1 and "starting" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(invoke(home, "export").output)["events"] == []


@pytest.mark.parametrize("lang, expected", [("nl", ["video's: 2", "2 video's"]),
                                            ("en", ["videos: 2", "2 videos"])])
def test_today_counts_videos_as_their_own_kind(home, lang, expected):
    seed(home, now_event(kind="video", count=2, seconds=5.0, site="sora.chatgpt.com"))
    result = CliRunner().invoke(main, ["today", "--home", str(home), "--lang", lang])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output
    data = json.loads(invoke(home, "today", "--json").output)
    assert (data["videos"], data["images"], data["energy_wh"]) == (2, 0, 830)


def test_report_has_a_videos_column_when_there_are_videos(home):
    seed(home, now_event(kind="video", count=3, site="sora.chatgpt.com"), now_event())
    today = datetime.now().astimezone().date().isoformat()
    table = CliRunner().invoke(main, ["report", "--from", today, "--home", str(home),
                                      "--lang", "nl"]).output
    assert table.splitlines()[0].split()[:4] == ["datum", "vragen", "afbeeldingen", "video's"]
    rows = invoke(home, "report", "--from", today, "--format", "csv").output.splitlines()
    assert rows[0].endswith(",videos") and rows[1].endswith(",3")
