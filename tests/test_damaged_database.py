"""Damaged, empty and missing databases are refused at start and kept; daily backups, and
`aifootprint restore` putting one back (with the real daemon running, asked to stop)."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.daemon.services.exchange import forget_events
from aifootprint.daemon.store.backups import backups, take_daily_backup
from aifootprint.daemon.store.events import Store
from aifootprint.model.events import Event, event_row
from daemon_process import daemon_env, free_port, start_daemon


def seed(db_path, n: int) -> None:
    now = datetime.now(UTC)
    with Store(db_path) as store:
        store.add_events([event_row(Event(id=str(uuid.uuid4()), ts=now.isoformat(),
                                          site="chatgpt.com", kind="prompt", count=1), now)
                          for _ in range(n)])


def run(home, lang: str = "en") -> subprocess.CompletedProcess:
    """`aifootprint run` as a user starts it; it is expected to refuse, so a short timeout."""
    return subprocess.run([sys.executable, "-m", "aifootprint", "run", "--no-tray", "--home",
                           str(home), "--lang", lang, "--port", str(free_port())],
                          env=daemon_env(home), capture_output=True, text=True, timeout=30)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_database_is_refused_in_one_sentence_and_kept_as_it_is(home):
    db = home / "data" / "footprint.db"
    seed(db, 3)
    with open(db, "r+b") as file:  # a disk error's kind of damage: a page overwritten
        file.seek(2 * 4096)
        file.write(b"\xff" * 512)
    before = digest(db)
    started = run(home, "nl")
    assert started.returncode == 1
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Fout: De database {db} is beschadigd (")
    assert '"aifootprint restore"' in lines[0] and "Traceback" not in started.stdout
    assert digest(db) == before
    assert "beschadigd" in (home / "logs" / "daemon.log").read_text()  # also in the log


def test_an_empty_or_missing_database_is_refused_while_a_backup_holds_counts(home):
    db = home / "data" / "footprint.db"
    seed(db, 3)
    take_daily_backup(db, date.today() - timedelta(days=1))
    for path in db.parent.glob("footprint.db*"):
        path.unlink()
    db.write_bytes(b"")  # emptied, say by a sync tool or a crash of another program
    started = run(home, "nl")
    assert started.returncode == 1
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert "bevat geen tellingen" in started.stderr and f"van {yesterday} bevat er 3" in \
        started.stderr and '"aifootprint restore"' in started.stderr, started.stderr
    assert db.stat().st_size == 0  # kept, not migrated into a fresh database
    db.unlink()
    started = run(home, "en")
    assert started.returncode == 1 and "is gone" in started.stderr and "3 counts" in \
        started.stderr, started.stderr
    assert not db.exists()
    restored = CliRunner().invoke(main, ["restore", "1", "--yes", "--home", str(home),
                                         "--lang", "en"])
    assert f"The backup of {yesterday} is back (3 counts). Start" in restored.output
    with Store(db) as store:
        assert store.event_count() == 3


def test_one_backup_a_day_the_last_seven_kept_private_and_forgetting_deletes_them(home):
    db = home / "data" / "footprint.db"
    seed(db, 2)
    today = date.today()
    for back in range(9, -1, -1):
        take_daily_backup(db, today - timedelta(days=back))
    assert take_daily_backup(db, today) is None  # one a day
    kept = backups(db)
    assert [b.day for b in kept] == [today - timedelta(days=n) for n in range(7)]
    assert all(b.events == 2 for b in kept)
    assert stat.S_IMODE(kept[0].path.parent.stat().st_mode) == 0o700
    assert {stat.S_IMODE(b.path.stat().st_mode) for b in kept} == {0o600}
    replaced = db.with_name("footprint.db.replaced-20261130-101500")  # what restore keeps
    replaced.write_bytes(db.read_bytes())
    with Store(db) as store:
        forget_events(store, None)
    assert backups(db) == [] and not replaced.exists()  # no copy keeps what was deleted


def test_restore_stops_the_running_daemon_and_puts_the_backup_back(home):
    db = home / "data" / "footprint.db"
    seed(db, 5)
    take_daily_backup(db, date.today() - timedelta(days=1))
    daemon = start_daemon(home)  # also makes today's backup (5 counts), on its own thread
    try:
        deadline = time.monotonic() + 20
        while len(backups(db)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert daemon.post("/api/v1/events", {"events": [{
            "id": str(uuid.uuid4()), "ts": datetime.now(UTC).isoformat(),
            "site": "claude.ai", "kind": "prompt", "count": 1}]})[0] == 200
        listed = CliRunner().invoke(main, ["restore", "--home", str(home), "--lang", "nl"],
                                    input="\n")
        assert listed.exit_code == 0, listed.output
        assert "1. " + date.today().isoformat() + ": 5 tellingen" in listed.output
        assert "Er is niets veranderd." in listed.output and daemon.healthy()
        refused = CliRunner().invoke(main, ["restore", "2", "--home", str(home), "--lang", "en"],
                                     input="n\n")
        assert "Nothing was changed." in refused.output and daemon.healthy()
        restored = CliRunner().invoke(main, ["restore", "2", "--home", str(home), "--lang",
                                             "en"], input="y\ny\n")
        assert restored.exit_code == 0, restored.output
        assert "is running (pid" in restored.output and "is back (5 counts)" in restored.output
        assert daemon.process.wait(timeout=30) == 0  # it stopped cleanly when asked
    finally:
        daemon.stop()
    replaced = [p for p in db.parent.iterdir() if ".replaced-" in p.name and
                p.name.endswith(tuple("0123456789"))]
    assert len(replaced) == 1
    with Store(replaced[0]) as kept:  # the database it replaced, beside it, with all 6
        assert kept.event_count() == 6
    daemon = start_daemon(home)
    try:
        assert daemon.get("/api/v1/summary")[1]["prompts"] == 5
    finally:
        daemon.stop()
