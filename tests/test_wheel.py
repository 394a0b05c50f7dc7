"""What users install is what is tested: the sdist, the wheel built from it, installed
(not editable) in a fresh virtual environment, then run as a user runs it.

The venv sees this environment's packages (--system-site-packages: the dependencies are
already installed, so nothing is downloaded) but imports AI Footprint only from the wheel;
the test checks that, since a stale or editable install would otherwise hide a missing file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import time
import urllib.request
import venv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from daemon_process import free_port

REPO = Path(__file__).resolve().parent.parent


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=True,
                          **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder, clean environment) of a venv with the wheel built from the sdist."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    run(sys.executable, "-c", "import sys; from setuptools import build_meta; "
        "build_meta.build_sdist(sys.argv[1])", str(dist), cwd=REPO)
    (sdist,) = dist.glob("aifootprint-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(root / "unpacked", filter="data")
    (source,) = (root / "unpacked").iterdir()
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
        "-w", str(dist), str(source))
    (wheel,) = dist.glob("aifootprint-*.whl")
    venv.create(root / "venv", system_site_packages=True, with_pip=True)
    bin_dir = root / "venv" / "bin"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(root), "AIFOOTPRINT_LANG": "en"}
    run(str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
        str(wheel), env=env, cwd=root)
    return bin_dir, env, root


def test_wheel_is_what_runs(installed):
    bin_dir, env, root = installed
    where = run(str(bin_dir / "python"), "-c", "import aifootprint; print(aifootprint.__file__)",
                env=env, cwd=root).stdout
    assert where.startswith(str(root / "venv")), where


def test_wheel_scenario(installed):
    bin_dir, env, root = installed
    result = run(str(bin_dir / "aifootprint"), "scenario", "--json", env=env, cwd=root)
    assert json.loads(result.stdout)["levels"]["vo"]["class_day"]["energy_wh"] == 2102.5


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith("/static/"):
                self.paths.append(value)


def fetch(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0])
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_wheel_daemon_serves_the_dashboard_and_every_asset(installed):
    bin_dir, env, root = installed
    home, port = root / "home", free_port()
    process = subprocess.Popen(
        [str(bin_dir / "aifootprint"), "run", "--no-tray", "--home", str(home), "--port",
         str(port)], env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/v1/health", process)
        token = (home / "config" / "token").read_text().strip()
        link = urllib.request.Request(f"{url}/api/v1/login-link", data=b"{}", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(link, timeout=10) as response:
            login = json.load(response)["url"]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        browser.open(login, timeout=10).close()  # the session cookie
        with browser.open(f"{url}/", timeout=10) as response:
            status, page = response.status, response.read()
        assert status == 200
        assets = Assets()
        assets.feed(page.decode())
        scripts = [path for path in assets.paths if path.endswith(".js")]
        assert scripts and any(path.endswith(".css") for path in assets.paths)
        # Modules the page's scripts import, and the catalogues they load.
        for script in scripts:
            source = fetch(url + script)[1].decode()
            assets.paths += [f"/static/{name}" for name in
                             re.findall(r"""from\s+["']\./([\w./-]+)["']""", source)]
        assets.paths += ["/static/locales/nl.json", "/static/locales/en.json"]
        for path in sorted(set(assets.paths)):
            assert fetch(url + path)[0] == 200, path
        status, summary = fetch(f"{url}/api/v1/summary", token)
        assert json.loads(summary)["prompts"] == 0
    finally:
        process.terminate()
        process.communicate(timeout=15)


def test_wheel_class_server_serves_the_teacher_page(installed):
    bin_dir, env, root = installed
    process = subprocess.Popen(
        [str(bin_dir / "aifootprint"), "aggregator", "serve", "--home", str(root / "server"),
         "--port", "0"], env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert match, line + process.stderr.read()
        url = match[1]
        status, page = fetch(f"{url}/teacher?lang=nl")
        assert status == 200 and 'lang="nl"' in page.decode()
        for path in ("/static/teacher.js", "/static/teacher.css"):
            assert fetch(url + path)[0] == 200, path
    finally:
        process.terminate()
        process.communicate(timeout=15)
