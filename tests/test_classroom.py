"""Class sharing end to end: a real aggregator and real student daemons on loopback; where
a test reads what the aggregator stored, on SQLite and on a real PostgreSQL (the class_db
fixture; the same path through two servers on PostgreSQL: test_class_server_postgres.py).

Each student is a real `aifootprint run --no-tray` process with its own home; the
students join with the real CLI; their daemons send on their own. The aggregator runs
with a test clock file so the test can close the submission window without waiting.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest

from aggregator_process import create_class, run_cli, start_aggregator
from aifootprint.daemon.config import load_config
from aifootprint.daemon.services import sharing as classroom
from aifootprint.desktop.tray import sharing_text
from aifootprint.model.class_precision import half_width
from daemon_process import DaemonProcess, start_daemon
from test_extension_smoke import CHROMIUM

# (prompts, images, videos) yesterday: the report's school day (10 prompts, 5 images),
# varied per student as in a real class (on average 9.6 and 4.8 for 23 of them); the
# first is above both of a day class's bounds (20 prompts, 10 images); one makes a video.
USE = [(45, 12, 0), (10, 5, 1)] + [(6 + n % 9, 2 + n % 7, 0) for n in range(23)]
FAILURE_PROBABILITY = 1e-9
STUDENTS = len(USE)  # 25: the report's class


def post_use(student, day: date, prompts: int, images: int, videos: int = 0) -> None:
    noon = datetime.combine(day, clock_time(12)).astimezone().isoformat()
    events = [{"id": str(uuid.uuid4()), "ts": noon, "site": "chatgpt.com", "kind": kind,
               "count": count} for kind, count in (("prompt", prompts), ("image", images),
                                                   ("video", videos)) if count]
    if not events:
        return
    status, answer = student.post("/api/v1/events", {"events": events})
    assert status == 200, answer


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


def join_by_dashboard_api(student, klass: dict, server: str) -> str:
    """The dashboard's two steps: preview (shows the pseudonym), then join with consent."""
    ask = {"code": klass["join_code"], "server": server}
    status, shown = student.post("/api/v1/class/preview", ask)
    assert status == 200, shown
    pseudonym = shown["preview"]["body"]["pseudonym"]
    status, joined = student.post("/api/v1/class/join",
                                  {**ask, "pseudonym": pseudonym, "confirm": True})
    assert status == 200 and joined["member"], joined
    return pseudonym


def in_parallel(function, items, at_once: int = 25) -> list:
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        return list(pool.map(function, items))


@pytest.fixture(scope="module")
def classroom_world(tmp_path_factory):
    """A class server and 25 student daemons, started at the same time, for this module."""
    home = tmp_path_factory.mktemp("classroom")
    clock = home / "clock"
    clock.write_text(datetime.now().isoformat(timespec="seconds"))
    aggregator = start_aggregator(home / "aggregator", clock)
    students = []
    try:
        # Four at a time: each start is about a second of CPU (imports), so four keep two
        # cores busy, while all 25 at once (or six on a loaded machine) would each wait
        # longer than start_daemon allows.
        students += in_parallel(start_daemon, [home / f"student{n}" for n in range(STUDENTS)],
                                at_once=4)
        yield aggregator, students, clock
    finally:
        in_parallel(DaemonProcess.stop, students)
        aggregator.stop()


def clipped_energy_wh(prompts: int, images: int, videos: int) -> float:
    """What one student adds to a day class's total at the default bounds (docs/classroom.md):
    20 prompts and 10 images at most, 4 and 8.5 Wh, a video 415 Wh, at most 165 Wh in all."""
    return min(4 * min(prompts, 20) + 8.5 * min(images, 10) + 415 * min(videos, 1), 165)


def test_a_class_of_25_gets_a_total_within_25_percent_and_small_groups_get_a_status(
        classroom_world):
    aggregator, students, clock = classroom_world
    server = aggregator.url
    # A day class with every other setting at its default: the same precision as a month
    # (the bounds are twice the report's use either way), but the day just past is a
    # period the students' daemons, on the real clock, send for.
    defaults = create_class(aggregator.home, "--name", "3B", "--period", "day",
                            "--send-delay", "1")
    # Five students at the smallest epsilon: the noise is 20 times the bound.
    small = create_class(aggregator.home, "--name", "keuze", "--period", "day",
                         "--send-delay", "1", "--epsilon", "0.05")
    few = create_class(aggregator.home, "--name", "drie", "--period", "day",
                       "--send-delay", "1")
    yesterday = date.today() - timedelta(days=1)
    for student, use in zip(students, USE, strict=True):
        post_use(student, yesterday, *use)

    pseudonyms = in_parallel(lambda s: join_by_dashboard_api(s, defaults, server), students)
    wait_for_state(students, yesterday.isoformat(), "sent")
    # Then five join the small class and four another: below k.
    for student in students[-9:]:
        assert student.post("/api/v1/class/leave", {})[0] == 200
    in_parallel(lambda s: join_by_dashboard_api(s, small, server), students[-5:])
    in_parallel(lambda s: join_by_dashboard_api(s, few, server), students[-9:-5])
    wait_for_state(students[-9:], yesterday.isoformat(), "sent")

    clock.write_text(datetime.combine(date.today() + timedelta(days=1),
                                      clock_time(0, 5)).isoformat())
    report = teacher_report(server, defaults)
    (period,) = report["periods"]
    truth = sum(clipped_energy_wh(*use) for use in USE)
    scale = 1650 / 1.0  # the day's energy bound in tenths of a Wh, epsilon 1
    assert period["status"] == "released" and period["participants"] == "20+"
    # The interval the release states is the mechanism's exact 95 % one, within +-25 %.
    assert period["half_width_wh"] == half_width(scale) / 10
    assert period["half_width_wh"] <= 0.25 * truth
    assert report["expected_precision"]["within_target"] is True  # 40 seats at ordinary use
    # The released total is within its stated interval 95 % of the time (the coverage
    # test in test_aggregator.py checks that over 2,000 draws); here, where one failure
    # in 20 runs would be a false alarm, within the one-in-a-billion interval.
    assert abs(period["energy_wh"] - truth) <= half_width(scale, FAILURE_PROBABILITY) / 10
    low, high = (period["noise_range"]["energy_wh"][e] for e in ("low", "high"))
    assert high - low == pytest.approx(2 * period["half_width_wh"])
    assert period["equivalents"] and period["share_of_hypothetical"] > 0
    # Five students at epsilon 0.05: too uncertain, with no number (shown only if the noise
    # came out above twice its 95 % half-width: probability 0.125 %).
    (uncertain,) = teacher_report(server, small)["periods"]
    assert uncertain["status"] == "too_uncertain" and "energy_wh" not in uncertain
    assert [(p["period"], p["status"], set(p) - {"period", "status", "label"}) for p in
            teacher_report(server, few)["periods"]] == [
        (yesterday.isoformat(), "not_enough", set())]  # no figures at all

    # A student who joins after the release is refused, and nothing released changes
    # (the member count does: the teacher sees one more seat taken).
    join_by_dashboard_api(students[-1], defaults, server)
    wait_for_state(students[-1:], yesterday.isoformat(), "refused")
    later = teacher_report(server, defaults)
    assert later["periods"] == report["periods"]
    assert later["joining"]["members"] == report["joining"]["members"] + 1
    assert_files_hold_no_pseudonym_or_address(aggregator.home, pseudonyms)


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
        assert set(sent) == {"class_id", "period", "pseudonym", "prompts", "images", "videos"}

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
        return Counts(prompts=250, images=3, videos=4)  # above the bounds: 20 and 1 are sent

    async with aiohttp.ClientSession() as session, state:
        await state.share_due(session, counts_for, closed_at)
        planned = classroom.sharing_status(config)["periods"]
        assert [{k: p[k] for k in ("period", "state", "message")} for p in planned] == [
            {"period": yesterday, "state": "waiting", "message": ""}]  # no try yet
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
    # prompts, images, participants, videos: above the bounds, 20 prompts and 1 video sent
    assert [row[2:6] for row in class_db.sums(aggregator.home)] == [(20, 3, 1, 1)]


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
            page.goto(student.dashboard_url())
            page.wait_for_selector("body[data-state=ready]")
            section = page.locator("#class-sharing")
            # Just the code: the page asks for the class server's address as well.
            section.locator("input[name=join]").fill(klass["join_code"])
            section.locator("form button").click()
            section.get_by_text("Also fill in the class server's address").wait_for()
            section.locator("input[name=server]").fill(aggregator.url)
            section.locator("form button").click()
            section.locator("pre.class-preview").wait_for(state="attached")
            assert '"pseudonym"' in section.locator("pre.class-preview").text_content()
            assert section.locator(".error").count() == 0
            assert classroom.membership(load_config(home=student.home, env={})) is None
            section.get_by_role("button", name="Join and share").click()
            section.get_by_text("You share with class 2D").wait_for()
            assert classroom.membership(load_config(home=student.home, env={})) is not None
            page.evaluate("document.documentElement.lang = 'nl'")
            section.get_by_text("Je deelt met klas 2D").wait_for()
            section.get_by_role("button", name="Stop met delen en verwijder mijn code").click()
            section.locator("input[name=join]").wait_for()
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


def test_a_class_without_a_video_bound_is_sent_no_video_field():
    """A class server from before videos refuses unknown fields; one with a bound gets them."""
    from aifootprint.model.footprint import Counts

    member = {"class_id": "c" * 16, "pseudonym": "p" * 43, "clip_prompts": 20,
              "clip_images": 10, "clip_videos": 0}
    counts = Counts(prompts=3, images=1, videos=2)
    assert "videos" not in classroom.submission(member, "2026-11", counts)
    sent = classroom.submission({**member, "clip_videos": 1}, "2026-11", counts)
    assert sent["videos"] == 1
