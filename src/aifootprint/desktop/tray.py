"""The tray icon: today's footprint at a glance, and the menu of the daemon.

pystray runs on the main thread (macOS insists) while the server runs in its worker
thread (daemon.start_server_thread). The tray reads and changes the daemon through
its own HTTP API on loopback, the same calls the dashboard makes, so it shows exactly
what the API says. `render_icon` and `build_menu_items` are pure functions, tested
with PYSTRAY_BACKEND=dummy. pystray is imported only in `run_tray`: importing it
without a display raises (Xlib), and then the daemon runs headless.
"""

from __future__ import annotations

import functools
import logging
import select
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..core.errors import DaemonNotRunning, FootprintError
from ..core.i18n import Catalog
from ..daemon.client import call_json, changes, login_link
from ..daemon.config import Config
from ..model.events import ACTIVITY_LABELS as LABELS
from ..model.formatting import format_co2, format_energy, format_water, uses_text
from .autostart import autostart_for_platform, login_command
from .browser_open import open_dashboard

log = logging.getLogger("aifootprint.tray")

# The tray re-reads the daemon when GET /live says something changed (a thread follows
# the stream); also every REFRESH_SECONDS, for the day changing at midnight.
REFRESH_SECONDS = 60.0
RECONNECT_SECONDS = 2.0  # after the stream ended (the daemon busy or restarting)
ICON_SIZE = 64

# (energy in Wh up to which a level applies, colour): calm colours, not alarms.
LEVELS = (
    (0.0, (120, 134, 140)),        # nothing yet today: grey
    (20.0, (46, 158, 107)),        # light use: green
    (60.0, (214, 168, 0)),         # moderate: yellow
    (150.0, (224, 123, 0)),        # a lot: orange
    (float("inf"), (196, 64, 42)),  # very much: red
)

TEXT = Catalog("tray")
DAEMON_TEXT = Catalog("daemon")  # the headless message is the daemon's


# ---- the icon ----------------------------------------------------------------


def level_of(energy_wh: float) -> int:
    """0 for no use, then 1..4 as the day's electricity grows."""
    for index, (limit, _colour) in enumerate(LEVELS):
        if energy_wh <= limit:
            return index
    return len(LEVELS) - 1


def icon_number(summary: dict) -> str:
    uses = summary["prompts"] + summary["images"] + summary.get("videos", 0)
    return "99+" if uses > 99 else str(uses)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def render_icon(summary: dict, size: int = ICON_SIZE) -> Image.Image:
    """A rounded square coloured by the day's level, with today's number of uses on it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour = LEVELS[level_of(summary["energy_wh"])][1]
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=(*colour, 255))
    number = icon_number(summary)
    font = _font(int(size * (0.62 if len(number) == 1 else 0.5 if len(number) == 2 else 0.36)))
    draw.text((size / 2, size / 2), number, font=font, fill=(255, 255, 255, 255), anchor="mm")
    return image


def icon_title(summary: dict, lang: str, has_menu: bool = True) -> str:
    """The hover text; where the tray shows no menu, it says what a click does."""
    title = TEXT("title", lang, uses=uses_text(summary, lang),
                 energy=format_energy(summary["energy_wh"], lang))
    return title if has_menu else f"{title} ({TEXT('click_hint', lang)})"


# ---- the menu ----------------------------------------------------------------


def _ignore() -> None:
    """The action of information rows, which are shown disabled."""


@dataclass(frozen=True)
class TrayActions:
    open_dashboard: Callable[[], None] = _ignore
    set_paused: Callable[[bool], None] = lambda paused: None
    set_label: Callable[[str | None], None] = lambda label: None
    set_autostart: Callable[[bool], None] = lambda enabled: None
    quit: Callable[[], None] = _ignore


@dataclass(frozen=True)
class TrayState:
    """What the menu shows; `actions` are what its items do."""

    summary: dict
    lang: str = "en"
    paused: bool = False
    label: str | None = None
    sharing: str = ""  # sharing_text: '' means not sharing
    autostart: bool = False
    actions: TrayActions = field(default_factory=TrayActions, compare=False)


def label_text(label: str | None, lang: str) -> str:
    if not label:
        return TEXT("label_none", lang)
    return TEXT(f"label_{label}", lang) if label in LABELS else label


def build_menu_items(state: TrayState) -> list:
    """The tray menu as pystray MenuItems (imported here: pystray needs a backend)."""
    from pystray import Menu, MenuItem

    lang, summary, actions = state.lang, state.summary, state.actions
    info = [
        TEXT("today", lang, uses=uses_text(summary, lang)),
        TEXT("impacts", lang, energy=format_energy(summary["energy_wh"], lang),
             co2=format_co2(summary["co2_g"], lang), water=format_water(summary["water_ml"], lang)),
    ]
    equivalent = next((e for e in summary.get("equivalents", []) if e["metric"] == "energy_wh"),
                      None)
    if equivalent:
        info.append(TEXT("about", lang, text=equivalent["text"][lang]))
    labels = Menu(*[
        MenuItem(label_text(name, lang), _choose_label(actions, name), radio=True,
                 checked=_is(state.label == name))
        for name in LABELS
    ])
    return [
        *[MenuItem(text, _ignore, enabled=False) for text in info],
        Menu.SEPARATOR,
        MenuItem(TEXT("open", lang), lambda: actions.open_dashboard(), default=True),
        MenuItem(TEXT("pause", lang), lambda: actions.set_paused(not state.paused),
                 checked=_is(state.paused)),
        MenuItem(TEXT("label", lang, label=label_text(state.label, lang)), labels),
        MenuItem(state.sharing or TEXT("sharing", lang, status=TEXT("not_sharing", lang)),
                 _ignore, enabled=False),
        MenuItem(TEXT("autostart", lang), lambda: actions.set_autostart(not state.autostart),
                 checked=_is(state.autostart)),
        Menu.SEPARATOR,
        MenuItem(TEXT("quit", lang), lambda: actions.quit()),
    ]


def _is(value: bool) -> Callable:
    return lambda item: value


def _choose_label(actions: TrayActions, name: str) -> Callable[[], None]:
    return lambda: actions.set_label(name)


def sharing_text(status: dict, lang: str) -> str:
    """One line for the menu from GET /class/status; '' when not sharing."""
    if not status.get("member"):
        return ""
    name = status["class"]["name"]
    sent = [p["period"] for p in status["periods"] if p["state"] == "sent"]
    if sent:
        return TEXT("sharing_class_last", lang, name=name, period=sent[-1])
    return TEXT("sharing_class", lang, name=name)


# ---- talking to the daemon -------------------------------------------------------


class Tray:
    """Keeps the icon in step with the daemon: refreshes only when what it shows changes."""

    def __init__(self, config: Config, handle, pystray_module, autostart=None):
        self.config = config
        self.handle = handle
        self.pystray = pystray_module
        self.call = functools.partial(call_json, config, url=handle.url)
        self.autostart = autostart or autostart_for_platform()
        self.state: TrayState | None = None
        self.icon: Any = None  # a pystray.Icon once create_icon ran
        self.loop_done = threading.Event()  # set when pystray's loop has returned
        self.actions = TrayActions(
            open_dashboard=self.open_dashboard,
            set_paused=lambda paused: self.change_settings({"paused": paused}),
            set_label=lambda label: self.change_settings({"label": label}),
            set_autostart=self.set_autostart,
            quit=self.quit,
        )

    def read(self, path: str) -> dict:
        """GET /api/v1<path>: every route the tray reads answers a JSON object."""
        answer = self.call("GET", path)
        if not isinstance(answer, dict):
            raise DaemonNotRunning("daemon_answer_odd", path=path)
        return answer

    def read_state(self) -> TrayState:
        settings = self.read("/settings")
        lang = settings.get("lang") or self.config.lang
        return TrayState(
            summary=self.read("/summary"), lang=lang,
            paused=bool(settings.get("paused")), label=settings.get("label"),
            sharing=sharing_text(self.read("/class/status"), lang),
            autostart=self.autostart.enabled(),
            actions=self.actions,
        )

    def open_dashboard(self) -> None:
        open_dashboard(self.config, login_link(self.config, self.handle.url))

    def create_icon(self):
        self.state = self.read_state()
        self.icon = self.pystray.Icon(
            "aifootprint", render_icon(self.state.summary), self.title(self.state),
            menu=self.pystray.Menu(*build_menu_items(self.state)),
        )
        return self.icon

    def title(self, state: TrayState) -> str:
        # Backends without a menu (plain X11) run only the default item on a click.
        return icon_title(state.summary, state.lang, self.pystray.Icon.HAS_MENU)

    def refresh(self) -> None:
        try:
            state = self.read_state()
        except FootprintError as error:  # the daemon is stopping or busy
            log.info("tray refresh skipped: %s", error)
            return
        if state == self.state:
            return
        previous, self.state = self.state, state
        if previous is None or previous.summary != state.summary:
            self.icon.icon = render_icon(state.summary)
        self.icon.title = self.title(state)
        self.icon.menu = self.pystray.Menu(*build_menu_items(state))  # also updates it

    def change_settings(self, values: dict) -> None:
        self.call("PUT", "/settings", values)
        self.refresh()

    def set_autostart(self, enabled: bool) -> None:
        if enabled:
            self.autostart.enable(login_command(self.config))
        else:
            self.autostart.disable()
        self.refresh()

    def quit(self) -> None:
        self.handle.request_stop()
        self.icon.stop()
        if threading.current_thread() is not threading.main_thread():
            self.nudge_x11_loop(self.icon)

    def watch(self, icon, signals: socket.socket) -> None:
        """pystray's setup callback (its own thread): show the icon, follow the daemon.

        `signals` receives a byte for each SIGTERM/SIGINT (signal.set_wakeup_fd). The
        main thread sits in the tray's event loop and may never run the daemon's Python
        signal handler when the kernel hands the signal to another thread, so the stop
        is requested here too.
        """
        icon.visible = True
        woken, wake = socket.socketpair()
        threading.Thread(target=self.follow, args=(wake,), daemon=True,
                         name="tray-live").start()
        with woken, wake:
            while not self.handle.stopped.is_set():
                ready = select.select([signals, woken], [], [], REFRESH_SECONDS)[0]
                if signals in ready and signals.recv(64):
                    self.handle.request_stop()
                    self.handle.stopped.wait(RECONNECT_SECONDS)
                    continue
                if woken in ready:
                    woken.recv(4096)  # several changes at once: one refresh
                self.refresh()
        icon.stop()
        self.nudge_x11_loop(icon)

    def follow(self, wake: socket.socket) -> None:
        """The live thread: a byte on `wake` for each change the daemon announces."""
        while not self.handle.stopped.is_set():
            try:
                for _version in changes(self.config, self.handle.url):
                    wake.send(b".")
            except FootprintError as error:
                log.info("tray live stream: %s", error)
            except OSError:
                return  # the watch loop ended and closed `wake`
            self.handle.stopped.wait(RECONNECT_SECONDS)

    def nudge_x11_loop(self, icon) -> None:
        """pystray's X11 loop sometimes keeps waiting after its window is gone: the
        DestroyNotify it waits for was read from the socket by another thread's flush and
        sits in python-xlib's queue. Any reply wakes the loop, which then finds it."""
        display = getattr(icon, "_display", None)
        for _attempt in range(10):
            if display is None or self.loop_done.wait(0.5):
                return
            display.get_input_focus()


def run_tray(config: Config, handle) -> None:
    """Show the tray icon until Quit or until the server stops; headless if no tray works."""
    try:
        import pystray
    except Exception as error:  # Xlib raises its own errors without a display
        return _headless(config, handle, error)
    tray = Tray(config, handle, pystray)
    try:
        icon = tray.create_icon()
        if type(icon).__module__ == "pystray._xorg":
            prepare_xorg_icon(icon)
        with signal_socket() as signals:
            icon.run(setup=lambda icon: tray.watch(icon, signals))
            tray.loop_done.set()
    except Exception as error:  # the backend failed: serve on without an icon
        return _headless(config, handle, error)
    handle.stop()


@contextmanager
def signal_socket() -> Iterator[socket.socket]:
    """A socket that gets a byte whenever a signal with a Python handler arrives."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno())
    try:
        yield reader
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()


class NoTrayHost(RuntimeError):
    pass


def prepare_xorg_icon(icon) -> None:
    """Workarounds for pystray's plain-X11 backend (used without GTK/AppIndicator).

    Without a tray host it shows nothing and raises nothing: check for one, so the
    daemon says it runs headless. Its icon window handles clicks but never asks X for
    them (no ButtonPressMask; pystray issue #151), so the default item (Open dashboard)
    never ran: ask for them.
    """
    from Xlib import X

    display = icon._display
    selection = display.intern_atom(f"_NET_SYSTEM_TRAY_S{display.get_default_screen()}")
    if display.get_selection_owner(selection) == X.NONE:
        raise NoTrayHost("no system tray on this desktop")
    icon._window.change_attributes(
        event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask)
    display.flush()


def _headless(config: Config, handle, error: Exception) -> None:
    reason = str(error) or type(error).__name__
    print(DAEMON_TEXT("headless", config.lang, reason=reason), flush=True)
    log.warning("no tray icon: %s", reason)
    handle.wait()
