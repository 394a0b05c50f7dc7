"""Class sharing end to end: a real aggregator and real student daemons on loopback; where
a test reads what the aggregator stored, on SQLite and on a real PostgreSQL (the class_db
fixture; the same path through two servers on PostgreSQL: test_class_server_postgres.py).

Each student is a real `aifootprint run --no-tray` process with its own home; the
students join with the real CLI; their daemons send on their own. The aggregator runs
with a test clock file so the test can close the submission window without waiting.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest

from aggregator_process import create_class, run_cli, start_aggregator
from aifootprint.aggregator.privacy import error_bar
from aifootprint.daemon.config import load_config
from aifootprint.daemon.services import sharing as classroom
from aifootprint.desktop.tray import sharing_text
from daemon_process import start_daemon
from test_extension_smoke import CHROMIUM

# Class A: strong epsilon and low clip bounds so a 6-student sum is close to the truth.
CLASS_OPTIONS = ("--period", "day", "--send-delay", "1", "--epsilon", "8",
                 "--clip-prompts", "20", "--clip-images", "5")
# Per student: (prompts, images) made yesterday; the fifth is above both clip bounds.
USE = [(3, 0), (7, 1), (12, 2), (20, 5), (45, 9), (0, 1)]
FAILURE_PROBABILITY = 1e-9


def post_use(student, day: date, prompts: int, images: int) -> None:
    noon = datetime.combine(day, clock_time(12)).astimezone().isoformat()
    events = [{"id": str(uuid.uuid4()), "ts": noon, "site": "chatgpt.com", "kind": kind,
               "count": count} for kind, count in (("prompt", prompts), ("image", images))
              if count]
    status, answer = student.post("/api/v1/events", {"events": events})
    assert status == 200, answer


def join(student, klass: dict, server: str) -> subprocess.CompletedProcess:
    return run_cli("class", "join", klass["join_code"], "--server", server, "--yes",
                   "--home", str(student.home), "--lang", "en")


def period_state(student, period: str) -> str | None:
    status = classroom.sharing_status(load_config(home=student.home, env={}))
    states = {p["period"]: p["state"] for p in status.get("periods", [])}
    return states.get(period)


def wait_for_state(students, period: str, wanted: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(period_state(s, period) == wanted for s in students):
            return
        time.sleep(0.5)
    states = [period_state(s, period) for s in students]
    raise AssertionError(f"not all students reached {wanted!r}: {states}")


def teacher_report(server: str, klass: dict) -> dict:
    request = urllib.request.Request(
        f"{server}/api/v1/classes/{klass['class_id']}/report",
        headers={"Authorization": f"Bearer {klass['teacher_key']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def world(tmp_path):
    clock = tmp_path / "clock"
    clock.write_text(datetime.now().isoformat(timespec="seconds"))
    aggregator = start_aggregator(tmp_path / "aggregator", clock)
    students = []
    try:
        for number in range(7):
            students.append(start_daemon(tmp_path / f"student{number}"))
        yield aggregator, students, clock
    finally:
        for student in students:
            student.stop()
        aggregator.stop()


def test_class_sharing_releases_noisy_totals_only_from_k_students(world):
    aggregator, students, clock = world
    server = aggregator.url
    class_a = create_class(aggregator.home, "--name", "A", *CLASS_OPTIONS)
    class_b = create_class(aggregator.home, "--name", "B", *CLASS_OPTIONS)
    yesterday = date.today() - timedelta(days=1)
    for student, (prompts, images) in zip(students, USE, strict=False):
        post_use(student, yesterday, prompts, images)

    # Six students join class A; their daemons send yesterday's clipped counts.
    for student in students[:6]:
        done = join(student, class_a, server)
        assert done.returncode == 0, done.stderr
        assert '"prompts"' in done.stdout and "random code" in done.stdout  # preview shown
    wait_for_state(students[:6], yesterday.isoformat(), "sent")
    pseudonyms_a = [classroom.membership(load_config(home=s.home, env={}))["pseudonym"]
                    for s in students[:6]]

    # Four of them leave and join class B: four contributors are not enough there.
    for student in students[:4]:
        assert run_cli("class", "leave", "--home", str(student.home)).returncode == 0
        assert classroom.membership(load_config(home=student.home, env={})) is None
        assert join(student, class_b, server).returncode == 0
    wait_for_state(students[:4], yesterday.isoformat(), "sent")

    # The window closes: the aggregator releases both periods when asked.
    after_window = datetime.combine(date.today() + timedelta(days=1), clock_time(0, 5))
    clock.write_text(after_window.isoformat())
    report_a = teacher_report(server, class_a)
    (period,) = report_a["periods"]
    assert period["status"] == "released" and period["participants"] == "5-9"
    true_prompts = sum(min(p, 20) for p, _ in USE)
    true_images = sum(min(i, 5) for _, i in USE)
    bound_prompts = error_bar(20 / 4, FAILURE_PROBABILITY)
    bound_images = error_bar(5 / 4, FAILURE_PROBABILITY)
    assert abs(period["prompts_noisy"]["raw"] - true_prompts) <= bound_prompts
    assert abs(period["images_noisy"]["raw"] - true_images) <= bound_images
    assert period["energy_wh"] > 0 and period["equivalents"]
    assert report_a["hypothetical"]["class_day"]["energy_wh"] == pytest.approx(2102.5)
    assert teacher_report(server, class_b)["periods"] == [
        {"period": yesterday.isoformat(), "status": "not_enough"}]

    # A seventh student joins A after the release: refused, and nothing released changes.
    assert join(students[6], class_a, server).returncode == 0
    wait_for_state(students[6:], yesterday.isoformat(), "refused")
    assert teacher_report(server, class_a) == report_a

    assert_files_hold_no_pseudonym_or_address(aggregator.home, pseudonyms_a)


def assert_files_hold_no_pseudonym_or_address(home: Path, pseudonyms: list[str],
                                              database_files: tuple[Path, ...] = ()) -> None:
    """No pseudonym in any file; no address in the server's own. database_files:
    PostgreSQL's (tables and write-ahead log), whose settings name the address it
    listens on, which is no client's."""
    files = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "aggregator.db" for path in files) != bool(database_files)
    assert any(path.suffix == ".log" for path in files)
    for path in files + list(database_files):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:  # a WAL segment PostgreSQL recycled meanwhile
            continue
        assert path in database_files or b"127.0.0.1" not in raw, path
        for pseudonym in pseudonyms:
            assert pseudonym.encode() not in raw, path


def test_dashboard_api_joins_only_with_confirmation_and_leave_deletes(tmp_path):
    aggregator = start_aggregator(tmp_path / "aggregator")
    student = start_daemon(tmp_path / "student")
    try:
        klass = create_class(aggregator.home, "--name", "4A", "--period", "week")
        ask = {"code": klass["join_code"], "server": aggregator.url}
        status, shown = student.post("/api/v1/class/preview", ask)
        assert status == 200, shown
        assert "random" in shown["explanation"]["en"] and "willekeurige" in shown[
            "explanation"]["nl"]
        sent = shown["preview"]["body"]
        assert set(sent) == {"class_id", "period", "pseudonym", "prompts", "images"}

        status, refused = student.post("/api/v1/class/join",
                                       {**ask, "pseudonym": sent["pseudonym"]})
        assert status == 422 and refused["error"]["field"] == "confirm"
        assert student.get("/api/v1/class/status")[1] == {"member": False}

        status, joined = student.post("/api/v1/class/join", {
            **ask, "pseudonym": sent["pseudonym"], "confirm": True})
        assert status == 200 and joined["member"] and joined["class"]["name"] == "4A"
        config = load_config(home=student.home, env={})
        tray_line = sharing_text(classroom.sharing_status(config), "nl")
        assert tray_line == "Delen met klas 4A"
        status, member = student.get("/api/v1/class/preview")
        assert member["preview"]["body"]["pseudonym"] == sent["pseudonym"]

        assert student.post("/api/v1/class/leave", {})[1] == {"left": True, "member": False}
        assert not classroom.state_path(load_config(home=student.home, env={})).exists()
        assert student.get("/api/v1/class/status")[1] == {"member": False}
        assert sharing_text(classroom.sharing_status(config), "en") == ""
    finally:
        student.stop()
        aggregator.stop()


def test_cli_join_says_no_unless_confirmed(tmp_path):
    aggregator = start_aggregator(tmp_path / "aggregator")
    try:
        klass = create_class(aggregator.home, "--name", "4A")
        home = tmp_path / "student"
        done = run_cli("class", "join", klass["join_code"], "--server", aggregator.url,
                       "--home", str(home), "--lang", "nl", input="n\n")
        assert done.returncode == 0 and "Niet meegedaan" in done.stdout
        assert "willekeurige code" in done.stdout and '"pseudonym"' in done.stdout
        assert not classroom.state_path(load_config(home=home, env={})).exists()
        wrong = run_cli("class", "join", "AAAAA-AAAAA", "--server", aggregator.url,
                        "--home", str(home))
        assert wrong.returncode == 1 and "does not exist" in wrong.stderr
        status = run_cli("class", "status", "--home", str(home), "--lang", "en")
        assert "class sharing is off" in status.stdout
    finally:
        aggregator.stop()


def test_cli_join_and_leave_without_a_daemon_change_the_file_itself(tmp_path):
    aggregator = start_aggregator(tmp_path / "aggregator")
    try:
        klass = create_class(aggregator.home, "--name", "4B")
        config = load_config(home=tmp_path / "student", env={})
        done = run_cli("class", "join", klass["join_code"], "--server", aggregator.url,
                       "--yes", "--home", str(config.home), "--lang", "en")
        assert done.returncode == 0 and "Joined '4B'" in done.stdout, done.stderr
        assert classroom.membership(config)["name"] == "4B"
        left = run_cli("class", "leave", "--home", str(config.home), "--lang", "en")
        assert left.returncode == 0 and "random code is deleted" in left.stdout
        assert not any(config.data_dir.glob("class_sharing.db*"))
    finally:
        aggregator.stop()


async def test_submission_waits_its_random_delay_and_is_retried_until_accepted(tmp_path,
                                                                                class_db):
    """The daemon's sending step, driven directly with chosen moments, against a real
    aggregator that is down for the first attempt."""
    import aiohttp

    from aifootprint.model.footprint import Counts
    from daemon_process import free_port

    port = free_port()
    aggregator = start_aggregator(tmp_path / "aggregator", port=port, options=class_db.options)
    klass = create_class(aggregator.home, *class_db.options, "--name", "5C", "--period", "day",
                         "--send-delay", "600")
    config = load_config(home=tmp_path / "student", env={})
    now = datetime.now()
    state = classroom.ClassSharing(config)
    await state.join(aggregator.url, klass["join_code"], classroom.new_pseudonym(), now)
    aggregator.stop()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    closed_at = datetime.combine(date.today(), clock_time())

    async def counts_for(days):
        return Counts(prompts=250, images=3)  # 250 is above the bound: 30 is sent

    async with aiohttp.ClientSession() as session, state:
        await state.share_due(session, counts_for, closed_at)
        planned = classroom.sharing_status(config)["periods"]
        assert planned == [{"period": yesterday, "state": "waiting", "message": ""}]  # no try
        await state.share_due(session, counts_for, closed_at + timedelta(hours=1))
        status = classroom.sharing_status(config)["periods"][0]
        assert status["state"] == "waiting" and "cannot be reached" in status["message"]
        aggregator = start_aggregator(tmp_path / "aggregator", port=port,
                                      options=class_db.options)
        try:
            await state.share_due(session, counts_for,
                                  closed_at + timedelta(hours=1, seconds=10))
            assert period_state_of(config, yesterday) == "waiting"  # backing off (30 s)
            retry_at = closed_at + timedelta(hours=1, seconds=31)
            await state.share_due(session, counts_for, retry_at)
            assert period_state_of(config, yesterday) == "sent"
            await state.share_due(session, counts_for, retry_at)  # nothing new
        finally:
            aggregator.stop()
    assert [row[2:] for row in class_db.sums(aggregator.home)] == [(30, 3, 1)]


def period_state_of(config, period: str) -> str | None:
    states = {p["period"]: p["state"] for p in classroom.sharing_status(config)["periods"]}
    return states.get(period)


def test_dashboard_section_previews_joins_and_leaves_in_chromium(tmp_path):
    """The #class-sharing hook of the dashboard, in real Chromium against the real daemon."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    aggregator = start_aggregator(tmp_path / "aggregator")
    student = start_daemon(tmp_path / "student")
    try:
        klass = create_class(aggregator.home, "--name", "2D")
        student.request("PUT", "/api/v1/settings", {"lang": "en", "role": "student"})
        errors = []
        with playwright_api.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{student.url}/")
            page.wait_for_selector("body[data-state=ready]")
            section = page.locator("#class-sharing")
            section.locator("input[name=code]").fill(klass["join_code"])
            section.locator("input[name=server]").fill(aggregator.url)
            section.locator("form button").click()
            section.locator("pre.class-preview").wait_for()
            assert '"pseudonym"' in section.inner_text()
            assert classroom.membership(load_config(home=student.home, env={})) is None
            section.get_by_role("button", name="Join and share").click()
            section.get_by_text("You share with class 2D").wait_for()
            assert classroom.membership(load_config(home=student.home, env={})) is not None
            page.evaluate("document.documentElement.lang = 'nl'")
            section.get_by_text("Je deelt met klas 2D").wait_for()
            section.get_by_role("button", name="Stop met delen en verwijder mijn code").click()
            section.locator("input[name=code]").wait_for()
            assert classroom.membership(load_config(home=student.home, env={})) is None
            browser.close()
        assert errors == []
    finally:
        student.stop()
        aggregator.stop()


@pytest.mark.parametrize("server, ok", [
    ("https://klas.school.example", True), ("http://127.0.0.1:47480", True),
    ("http://localhost:8080/", True), ("http://[::1]:8080", True),
    ("http://klas.school.example", False), ("http://10.0.0.5:8080", False),
    ("ftp://klas.school.example", False), ("https://", False),
])
def test_students_refuse_a_class_server_over_plain_http_on_the_network(server, ok):
    from aifootprint.core.errors import InvalidInput

    if ok:
        assert classroom.check_server(server) == server.rstrip("/")
    else:
        with pytest.raises(InvalidInput) as refused:
            classroom.check_server(server)
        assert refused.value.field == "server"
