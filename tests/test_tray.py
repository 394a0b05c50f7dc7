"""The tray icon: the pure icon renderer and menu (pystray's dummy backend), the
start-at-login writers, and the real icon under Xvfb with a tray host (trayer):
it docks, follows new events, opens the dashboard on a click, and its menu
actions reach the daemon.
"""

from __future__ import annotations

import json
import plistlib
import re
import shutil
import stat
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from aifootprint.daemon.config import load_config
from aifootprint.desktop.autostart import LinuxAutostart, MacAutostart, login_command
from aifootprint.desktop.tray import LEVELS, TrayActions, TrayState, build_menu_items, render_icon
from aifootprint.model.footprint import Counts, summarize
from aifootprint.model.formatting import format_co2, format_energy, format_water
from daemon_process import daemon_env, free_port

ARTIFACTS = Path(__file__).parent / "artifacts"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pystray():
    """pystray with the dummy backend: menus evaluate, nothing is shown."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSTRAY_BACKEND", "dummy")
        import pystray

        return pystray


def summary_of(factors, prompts: int, images: int = 0) -> dict:
    return summarize(factors, Counts(prompts, images))


# ---- the icon and the menu (pure) ---------------------------------------------


def test_icon_colour_and_number_follow_the_days_use(factors):
    quiet, light, heavy = (render_icon(summary_of(factors, n)) for n in (0, 3, 40))
    assert quiet.size == (64, 64)
    edge = (3, 32)  # inside the rounded square, away from the number
    assert quiet.getpixel(edge)[:3] == LEVELS[0][1]
    assert light.getpixel(edge)[:3] == LEVELS[1][1]  # 12 Wh: light use
    assert heavy.getpixel(edge)[:3] == LEVELS[4][1]  # 160 Wh: very much
    assert render_icon(summary_of(factors, 4)).tobytes() != light.tobytes()  # the number shows
    assert render_icon(summary_of(factors, 150)).tobytes() == \
        render_icon(summary_of(factors, 120)).tobytes()  # both read 99+


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Today: 7 prompts, 2 images", "Open dashboard", "Pause counting",
            "Activity: homework", "Class: not sharing", "Start at login", "Quit"]),
    ("nl", ["Vandaag: 7 vragen, 2 afbeeldingen", "Dashboard openen", "Tellen pauzeren",
            "Activiteit: huiswerk", "Klas: niet gedeeld", "Starten bij inloggen", "afsluiten"]),
])
def test_menu_shows_todays_figures_in_both_languages(pystray, factors, lang, words):
    summary = summary_of(factors, 7, 2)
    items = build_menu_items(TrayState(summary, lang, label="homework"))
    text = "\n".join(item.text for item in items)
    for word in words:
        assert word in text
    impacts = f"{format_energy(summary['energy_wh'], lang)} · {format_co2(summary['co2_g'], lang)}"
    assert impacts in text and format_water(summary["water_ml"], lang) in text
    energy_equivalent = summary["equivalents"][0]
    assert energy_equivalent["metric"] == "energy_wh" and energy_equivalent["text"][lang] in text


def test_menu_shows_the_class_sharing_line_when_sharing(pystray, factors):
    state = TrayState(summary_of(factors, 1), "en", sharing="Sharing with class 3B")
    texts = [item.text for item in build_menu_items(state)]
    assert "Sharing with class 3B" in texts and "Class: not sharing" not in texts


def test_menu_items_call_their_actions(pystray, factors):
    calls = []
    actions = TrayActions(
        open_dashboard=lambda: calls.append("open"),
        set_paused=lambda paused: calls.append(("paused", paused)),
        set_label=lambda label: calls.append(("label", label)),
        set_autostart=lambda enabled: calls.append(("autostart", enabled)),
        quit=lambda: calls.append("quit"),
    )
    state = TrayState(summary_of(factors, 1), "en", paused=True, autostart=False, actions=actions)
    items = {item.text.split(":")[0]: item for item in build_menu_items(state)}
    assert items["Pause counting"].checked is True
    assert items["Open dashboard"].default
    assert not items["Class"].enabled
    for name in ("Open dashboard", "Pause counting", "Start at login", "Quit AI Footprint"):
        items[name](None)
    lesson_prep = next(i for i in items["Activity"].submenu.items if i.text == "lesson prep")
    lesson_prep(None)
    assert calls == ["open", ("paused", False), ("autostart", True), "quit",
                     ("label", "lesson-prep")]


# ---- start at login --------------------------------------------------------------


def test_linux_autostart_writes_and_removes_a_desktop_file(tmp_path, home):
    config = load_config(home=home, port=47999, env={})
    autostart = LinuxAutostart({"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert not autostart.enabled()
    autostart.enable(login_command(config))
    desktop = tmp_path / "xdg" / "autostart" / "aifootprint.desktop"
    text = desktop.read_text()
    assert "[Desktop Entry]" in text and "Type=Application" in text
    assert f"-m aifootprint run --home {home} --port 47999" in text
    assert autostart.enabled()
    autostart.disable()
    assert not desktop.exists() and not autostart.enabled()


def test_mac_launch_agent_runs_the_daemon_at_login(tmp_path, config):
    agent = MacAutostart(tmp_path / "LaunchAgents" / "nl.aifootprint.daemon.plist")
    agent.enable(login_command(config))
    plist = plistlib.loads(agent.path.read_bytes())
    assert plist["RunAtLoad"] is True
    assert plist["ProgramArguments"][1:4] == ["-m", "aifootprint", "run"]
    agent.disable()
    assert not agent.enabled()


# ---- the real icon under Xvfb ----------------------------------------------------


def needs(*programs: str) -> None:
    missing = [p for p in programs if not shutil.which(p)]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


def free_display() -> int:
    for number in range(90, 190):
        if not (Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock")
                .exists()):
            return number
    raise RuntimeError("no free X display number")


def wait_for(condition, timeout: float = 15, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {condition.__name__}")


@pytest.fixture(scope="module")
def xserver():
    needs("Xvfb", "trayer", "xwininfo", "xdotool", "import")
    number = free_display()
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "640x200x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists())
    yield f":{number}"
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def tray_host(xserver):
    host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "120",
         "--height", "32", "--transparent", "false", "--tint", "0xffffff"],
        env={"DISPLAY": xserver, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: "panel" in x11(xserver, "xwininfo", "-root", "-tree"))
    # The panel window comes a moment before trayer owns the tray selection; an icon that
    # starts in between finds no tray to dock in (seen in CI: the icon never drawn).
    wait_for(lambda: tray_selection_owned(xserver))
    yield host
    host.terminate()
    host.wait(10)


def tray_selection_owned(display: str) -> bool:
    """Whether a tray manager holds the system tray selection of screen 0 (the freedesktop
    System Tray spec: _NET_SYSTEM_TRAY_S0), which an icon docks through."""
    from Xlib import X
    from Xlib.display import Display

    connection = Display(display)
    try:
        atom = connection.intern_atom("_NET_SYSTEM_TRAY_S0")
        return connection.get_selection_owner(atom) != X.NONE
    finally:
        connection.close()


def x11(display: str, *command: str) -> str:
    return subprocess.run(command, env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=20).stdout


WINDOW_GEOMETRY = re.compile(r"(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)\s*$")


def icon_window(display: str) -> tuple[str, int, int, int, int] | None:
    """(title, x, y, width, height) of our docked icon, from the window tree."""
    for line in x11(display, "xwininfo", "-root", "-tree").splitlines():
        if '"aifootprintSystemTrayIcon"' in line:
            width, height, x, y = map(int, WINDOW_GEOMETRY.search(line).groups())
            return line.split('"')[1], x, y, width, height
    return None


def screenshot(display: str, name: str) -> Image.Image:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    x11(display, "import", "-window", "root", str(path))
    return Image.open(path).convert("RGB")


def start_tray_daemon(home: Path, display: str, opened: Path) -> tuple[subprocess.Popen, str]:
    browser = home / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    port = free_port()
    env = daemon_env(home, {"DISPLAY": display, "PYSTRAY_BACKEND": "xorg",
                            "BROWSER": str(browser)})
    process = subprocess.Popen(
        [sys.executable, "-m", "aifootprint", "run", "--home", str(home), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, f"http://127.0.0.1:{port}"


def post_prompts(home: Path, url: str, count: int) -> None:
    token = (home / "config" / "token").read_text().strip()
    event = {"id": str(uuid.uuid4()), "ts": datetime.now().astimezone().isoformat(),
             "site": "chatgpt.com", "kind": "prompt", "count": count}
    request = urllib.request.Request(
        f"{url}/api/v1/events", data=json.dumps({"events": [event]}).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["accepted"] == 1


def test_no_tray_host_means_headless_said_once(xserver, tmp_path):
    """Runs before the tray host starts (file order): a desktop without a system tray."""
    process, url = start_tray_daemon(tmp_path, xserver, tmp_path / "opened.txt")
    try:
        log = tmp_path / "logs" / "daemon.log"
        wait_for(lambda: log.exists() and "no tray icon" in log.read_text())
        post_prompts(tmp_path, url, 1)  # the daemon serves on without an icon
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert output.count("No tray icon (no system tray on this desktop)") == 1, output
    assert process.returncode == 0


def test_icon_docks_follows_events_and_opens_the_dashboard(tray_host, xserver, tmp_path):
    opened = tmp_path / "opened.txt"
    process, url = start_tray_daemon(tmp_path, xserver, opened)
    try:
        # Docked: inside trayer's panel (the right-hand 120 px of the 640 px screen). The
        # window exists a moment earlier at 0,0, before the panel embeds it.
        title, x, y, width, height = wait_for(
            lambda: (found := icon_window(xserver)) and found[1] >= 640 - 120 and found)
        assert "0 prompts" in title
        assert title.endswith("(click for the dashboard)")  # X11: HAS_MENU is false
        centre_left = (x + 2, y + height // 2)
        # The window is mapped a moment before its first paint (black until then).
        before = wait_for(lambda: (shot := screenshot(xserver, "tray-before")).getpixel(
            centre_left) == LEVELS[0][1] and shot, timeout=10)
        post_prompts(tmp_path, url, 12)  # 48 Wh: the moderate (yellow) level
        wait_for(lambda: "12 prompts" in icon_window(xserver)[0], timeout=10)
        after = wait_for(lambda: (shot := screenshot(xserver, "tray-after")).getpixel(
            centre_left) == LEVELS[2][1] and shot, timeout=10)
        assert after.crop((x, y, x + width, y + height)).tobytes() != \
            before.crop((x, y, x + width, y + height)).tobytes()
        middle = (str(x + width // 2), str(y + height // 2))
        x11(xserver, "xdotool", "mousemove", *middle, "click", "1")
        given = wait_for(lambda: opened.exists() and opened.read_text().strip())
        # The browser gets a private page that refreshes to a fresh one-time login link:
        # the link itself is on no command line.
        page = tmp_path / "data" / "open-dashboard.html"
        assert given == page.as_uri() and stat.S_IMODE(page.stat().st_mode) == 0o600
        assert f'url={url}/login?code=' in page.read_text()
    finally:
        process.terminate()  # SIGTERM, as a logout would
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "No tray icon" not in output and "stopped" in output
    assert icon_window(xserver) is None


DRIVER = """
import json, sys, threading, urllib.request
import pystray
from aifootprint.daemon.config import load_config
from aifootprint.daemon.process import start_server_thread
from aifootprint.desktop.tray import Tray, prepare_xorg_icon
from aifootprint.desktop.autostart import LinuxAutostart

config = load_config(home=sys.argv[1], port=int(sys.argv[2]), env={})
handle = start_server_thread(config)
tray = Tray(config, handle, pystray, LinuxAutostart({"XDG_CONFIG_HOME": sys.argv[1]}))
icon = tray.create_icon()
prepare_xorg_icon(icon)
report = {}

def item(text):
    return next(i for i in icon.menu.items if i.text and i.text.startswith(text))

def drive(icon):
    icon.visible = True
    item("Pause counting")(icon)
    report["paused"] = tray.read("/settings")["paused"]
    report["checked"] = item("Pause counting").checked
    next(i for i in item("Activity").submenu.items if i.text == "lesson prep")(icon)
    report["label"] = tray.read("/settings")["label"]
    item("Start at login")(icon)
    report["autostart"] = tray.autostart.enabled()
    threading.Thread(target=lambda: item("Quit")(icon)).start()

icon.run(setup=drive)
tray.loop_done.set()
handle.stopped.wait(10)
report["server_stopped"] = handle.stopped.is_set()
print(json.dumps(report))
"""


def test_menu_actions_reach_the_daemon_and_quit_stops_it(tray_host, xserver, tmp_path):
    env = daemon_env(tmp_path, {"DISPLAY": xserver, "PYSTRAY_BACKEND": "xorg"})
    result = subprocess.run([sys.executable, "-c", DRIVER, str(tmp_path), str(free_port())],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"paused": True, "checked": True, "label": "lesson-prep", "autostart": True,
                      "server_stopped": True}
    assert (tmp_path / "autostart" / "aifootprint.desktop").exists()
