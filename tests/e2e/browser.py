"""Real browsers with the unpacked extension, pointed at the replica sites.

Chromium is driven in-process with Playwright (launch_persistent_context, the Debian binary);
Firefox (firefox-esr speaks WebDriver BiDi) by a small Node driver, firefox_driver.mjs, using
puppeteer-core, which answers one JSON command per line. Both give the same Tab interface,
so one test body runs in both browsers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Protocol

from playwright.sync_api import Error as PlaywrightError

REPO = Path(__file__).resolve().parents[2]
EXTENSION_DIR = REPO / "extension"
CHROMIUM = Path("/usr/bin/chromium")
FIREFOX = Path("/usr/bin/firefox-esr")
FIREFOX_DRIVER = Path(__file__).with_name("firefox_driver.mjs")
TIMEOUT_S = 30


class Tab(Protocol):
    def goto(self, url: str) -> None: ...
    def fill(self, selector: str, text: str) -> None: ...
    def click(self, selector: str) -> None: ...
    def evaluate(self, expression: str): ...
    def wait_for_function(self, expression: str, timeout_s: float = TIMEOUT_S) -> None: ...
    def screenshot(self, path: Path) -> None: ...
    def close(self) -> None: ...


def manifest(extension_dir: Path = EXTENSION_DIR) -> dict:
    return json.loads((extension_dir / "manifest.json").read_text())


def popup_path() -> str:
    return manifest()["action"]["default_popup"]


def missing_browser(name: str) -> str | None:
    """Why the tests in `name` cannot run here, or None when they can."""
    if name == "chromium" and not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if name == "firefox":
        if not FIREFOX.exists():
            return f"{FIREFOX} is not installed (apt-get install firefox-esr)"
        if not (REPO / "node_modules" / "puppeteer-core").exists():
            return "puppeteer-core is not installed (PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"
    if not (EXTENSION_DIR / "manifest.json").exists():
        return f"no extension at {EXTENSION_DIR}"
    return None


class PlaywrightTab:
    def __init__(self, page):
        self.page = page
        page.set_default_timeout(TIMEOUT_S * 1000)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def fill(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)

    def click(self, selector: str) -> None:
        self.page.click(selector)

    def evaluate(self, expression: str):
        return self.page.evaluate(expression)

    def wait_for_function(self, expression: str, timeout_s: float = TIMEOUT_S) -> None:
        # Playwright's in-page polling compiles the expression with eval, which an extension
        # page's CSP forbids (the popup); evaluate() is not subject to it, so poll from here.
        deadline = time.monotonic() + timeout_s
        while not self._true_now(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout_s} s: {expression}")
            time.sleep(0.1)

    def _true_now(self, expression: str) -> bool:
        try:
            return bool(self.page.evaluate(expression))
        except PlaywrightError as error:  # the page is navigating (a refresh): ask again
            if "context was destroyed" in str(error):
                return False
            raise

    def screenshot(self, path: Path) -> None:
        self.page.locator("body").screenshot(path=str(path))

    def close(self) -> None:
        self.page.close()


class ChromiumSession:
    """Headless Debian Chromium with its own profile; the extension loaded unless
    with_extension is False (the benchmark's baseline)."""

    name = "chromium"
    # The browser's own records of the page, whatever extensions run: session restore keeps
    # what was typed into form fields; the HTTP cache keeps answers that echo the prompt.
    browser_records = ("Default/Sessions", "Default/Cache")

    def __init__(self, profile_dir: Path, host_resolver_rules: str, with_extension: bool = True,
                 extension_dir: Path = EXTENSION_DIR, playwright=None):
        self.profile_dir = Path(profile_dir)
        # One Playwright per thread: pass it in to run two sessions side by side.
        self._shared_playwright = playwright
        self.extension_dir = extension_dir
        self._rules = host_resolver_rules
        self._with_extension = with_extension
        self.extension_origin = ""

    def args(self) -> list[str]:
        args = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--ignore-certificate-errors",
                f"--host-resolver-rules={self._rules}"]
        if self._with_extension:
            args += [f"--disable-extensions-except={self.extension_dir}",
                     f"--load-extension={self.extension_dir}"]
        return args

    def __enter__(self) -> ChromiumSession:
        from playwright.sync_api import sync_playwright

        self._playwright = self._shared_playwright or sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(self.profile_dir), executable_path=str(CHROMIUM), headless=True,
            ignore_https_errors=True, args=self.args())
        if self._with_extension:
            self.extension_origin = "/".join(self._service_worker_url().split("/")[:3])
        return self

    def _service_worker_url(self) -> str:
        """The extension's id is in its service worker's URL (unpacked: derived from the path)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        if self.context.service_workers:
            return self.context.service_workers[0].url
        try:
            return self.context.wait_for_event("serviceworker", timeout=TIMEOUT_S * 1000).url
        except PlaywrightTimeout:
            self.__exit__()
            raise RuntimeError(f"the extension in {self.extension_dir} did not start its "
                               "service worker: does it load in chrome://extensions?") from None

    @property
    def extension_id(self) -> str:
        return self.extension_origin.split("//")[1]

    def extension_storage(self) -> list[Path]:
        """Where chrome.storage.local keeps the extension's data (LevelDB)."""
        return [self.profile_dir / "Default" / "Local Extension Settings" / self.extension_id]

    def site_url(self, host: str, path: str = "/") -> str:
        return f"https://{host}{path}"  # --host-resolver-rules sends port 443 to the replica

    def new_tab(self) -> PlaywrightTab:
        return PlaywrightTab(self.context.new_page())

    def __exit__(self, *exc_info) -> None:
        self.context.close()
        if not self._shared_playwright:
            self._playwright.stop()


class FirefoxSession:
    """Headless firefox-esr with the extension installed as a temporary add-on, driven by
    firefox_driver.mjs (puppeteer-core over WebDriver BiDi)."""

    name = "firefox"
    browser_records = ("sessionstore-backups", "sessionstore.jsonlz4", "cache2")

    def __init__(self, profile_dir: Path, hosts: list[str], port: int,
                 extension_dir: Path = EXTENSION_DIR):
        self.profile_dir = Path(profile_dir)
        self._port = port
        gecko_id = manifest(extension_dir)["browser_specific_settings"]["gecko"]["id"]
        # A fixed internal UUID (pref extensions.webextensions.uuids) makes the popup's
        # moz-extension:// URL known in advance.
        self._uuid = "3f0c1d7e-5b2a-4e8f-9c6d-1a2b3c4d5e6f"
        self._config = {"firefox": str(FIREFOX), "extension": str(extension_dir),
                        "profile": str(self.profile_dir), "hosts": hosts,
                        "uuids": {gecko_id: self._uuid}}
        self.extension_origin = f"moz-extension://{self._uuid}"
        self._next_id = 0

    def __enter__(self) -> FirefoxSession:
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [shutil.which("node") or "node", str(FIREFOX_DRIVER), json.dumps(self._config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        self.call("ready")
        return self

    def call(self, op: str, *args):
        self._next_id += 1
        command = {"id": self._next_id, "op": op, "args": list(args)}
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Firefox driver stopped (exit {self._process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"Firefox driver, {op}: {answer['error']}")
        return answer.get("result")

    def extension_storage(self) -> list[Path]:
        """Where browser.storage.local keeps the extension's data (IndexedDB, SQLite)."""
        return sorted((self.profile_dir / "storage" / "default").glob(
            f"moz-extension+++{self._uuid}*"))

    def site_url(self, host: str, path: str = "/") -> str:
        return f"https://{host}:{self._port}{path}"  # forceResolve maps the host, not the port

    def new_tab(self) -> RemoteTab:
        return RemoteTab(self, self.call("newPage"))

    def __exit__(self, *exc_info) -> None:
        try:
            self.call("close")
        finally:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()


class RemoteTab:
    """A Firefox tab behind the Node driver; same methods as PlaywrightTab."""

    def __init__(self, session: FirefoxSession, handle: int):
        self._session, self._handle = session, handle

    def goto(self, url: str) -> None:
        self._session.call("goto", self._handle, url)

    def fill(self, selector: str, text: str) -> None:
        self._session.call("fill", self._handle, selector, text)

    def click(self, selector: str) -> None:
        self._session.call("click", self._handle, selector)

    def evaluate(self, expression: str):
        return self._session.call("evaluate", self._handle, expression)

    def wait_for_function(self, expression: str, timeout_s: float = TIMEOUT_S) -> None:
        self._session.call("waitForFunction", self._handle, expression, timeout_s * 1000)

    def screenshot(self, path: Path) -> None:
        self._session.call("screenshot", self._handle, str(path))

    def close(self) -> None:
        self._session.call("closePage", self._handle)


def send_on_replica(tab: Tab, text: str, button: str = "#send") -> str:
    """Types `text` on a replica page, presses `button`, waits until that send has finished
    and returns how it ended ('done' or 'error')."""
    finished = int(tab.evaluate("document.getElementById('reply').dataset.finished"))
    tab.fill("#prompt", text)
    tab.click(button)
    tab.wait_for_function(
        f"Number(document.getElementById('reply').dataset.finished) > {finished}")
    return tab.evaluate("document.getElementById('reply').dataset.state")
