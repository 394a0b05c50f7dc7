"""Another account of the same computer cannot use this user's daemon: real Unix accounts.

The test setup creates a second account (CI runs as root) and talks to the daemon as that
account with the system's Python: every route and page is refused before the token is
even looked at, no page gives it the token, and the daemon's files are closed to it. The
second account also runs a daemon of its own at the same time (the system's Python with
copies of the dependencies, as it cannot read /root's): the two take different ports,
and each user's native messaging host names that user's own daemon.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aifootprint.daemon.server.peers import encoded, peer_uid
from daemon_process import REPO, start_daemon
from test_native_messaging import ask_host, pair_browser

OTHER = "aifp-other"
SYSTEM_PYTHON = "/usr/bin/python3"  # the account cannot reach /root's Python
FETCH = """
import sys, urllib.request, urllib.error
request = urllib.request.Request(sys.argv[1], method=sys.argv[2], data=sys.argv[3].encode() or None,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + sys.argv[4]})
try:
    with urllib.request.urlopen(request, timeout=10) as reply:
        print(reply.status, reply.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
"""


def test_proc_net_tcp_addresses_and_owners(tmp_path):
    assert encoded("127.0.0.1", 40559)[0] == "0100007F:9E6F"
    assert encoded("::1", 8080) == ("00000000000000000000000001000000:1F90",)
    assert encoded("127.0.0.1", 80)[1] == "0000000000000000FFFF00000100007F:0050"
    table = tmp_path / "tcp"
    table.write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
        "   0: 0100007F:9E6F 0100007F:B92A 01 00000000:00000000 00:00000000 00000000  1001 0\n"
        "   1: 0100007F:B92A 0100007F:9E6F 01 00000000:00000000 00:00000000 00000000     0 0\n")
    assert peer_uid(("127.0.0.1", 40559), ("127.0.0.1", 47402), (table,)) == 1001
    assert peer_uid(("127.0.0.1", 1), ("127.0.0.1", 47402), (table,)) is None


@pytest.fixture(scope="module")
def other_account():
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("needs Linux and root to create a second account (CI runs as root)")
    if not Path(SYSTEM_PYTHON).exists() or not shutil.which("runuser"):
        pytest.skip("needs /usr/bin/python3 and runuser to act as the second account")
    try:
        pwd.getpwnam(OTHER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", OTHER], check=True)
    return OTHER


def as_other(account: str, url: str, method: str = "GET", body: str = "",
             token: str = "") -> tuple[int, str]:
    done = subprocess.run(["runuser", "-u", account, "--", SYSTEM_PYTHON, "-c", FETCH, url,
                           method, body, token], capture_output=True, text=True, timeout=30)
    status, _, text = done.stdout.partition(" ")
    return int(status), text


def test_another_account_gets_nothing_from_this_daemon(other_account, tmp_path):
    home = tmp_path / "alice"
    daemon = start_daemon(home)
    os.chmod(tmp_path, 0o755)  # the tests' own folder: only the daemon's home stays private
    try:
        daemon.post("/api/v1/events", {"events": [{
            "id": "018f6b7c-0000-7000-8000-0000000000a1", "ts": "2025-03-01T10:00:00Z",
            "site": "chatgpt.com", "kind": "prompt", "count": 1}]})
        for path in ("/pair", "/", "/api/v1/health", "/api/v1/summary", "/api/v1/export"):
            status, text = as_other(other_account, daemon.url + path)
            assert status == 403, (path, text)
            assert daemon.token not in text and "another user" in text
        # Even with the token (stolen some other way) nothing is written or deleted.
        for path, body in (("/api/v1/events", '{"events": []}'), ("/api/v1/forget",
                                                                   '{"all": true}')):
            status, _ = as_other(other_account, daemon.url + path, "POST", body, daemon.token)
            assert status == 403
        assert daemon.get("/api/v1/days?from=2025-03-01&to=2025-03-01")[1][0]["prompts"] == 1
        # This user's own requests still work, and the files are closed to the account.
        assert daemon.get("/pair")[0] == 200
        read = subprocess.run(["runuser", "-u", other_account, "--", SYSTEM_PYTHON, "-c",
                               f"open({str(home / 'data' / 'footprint.db')!r}, 'rb')"],
                              capture_output=True, text=True, timeout=30)
        assert read.returncode != 0 and "Permission denied" in read.stderr
    finally:
        daemon.stop()


def copied_dependencies(folder: Path) -> None:
    """The daemon's third-party packages, copied where the second account can read them."""
    import aiohttp  # noqa: F401  (with the daemon's own imports below: what it needs)

    import aifootprint.cli  # noqa: F401
    import aifootprint.daemon.server.app  # noqa: F401

    packages = Path(site.getsitepackages()[0])
    tops = {Path(module.__file__).relative_to(packages).parts[0]
            for module in list(sys.modules.values())
            if getattr(module, "__file__", None) and Path(module.__file__).is_relative_to(
                packages)}
    for top in tops:
        source = packages / top
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / top)


@pytest.fixture(scope="module")
def shared_folder(other_account):
    """A folder both accounts can reach (pytest's own is 0700 under /tmp/pytest-of-root)."""
    folder = Path(tempfile.mkdtemp(prefix="aifp-two-users-"))
    folder.chmod(0o755)
    (folder / "python").mkdir()
    copied_dependencies(folder / "python")
    # This checkout too: its folder may be closed to other accounts (a clone in a 0700 one).
    shutil.copytree(REPO / "src" / "aifootprint", folder / "python" / "aifootprint",
                    dirs_exist_ok=True)
    subprocess.run(["chmod", "-R", "a+rX", str(folder / "python")], check=True)
    yield folder
    shutil.rmtree(folder)


def wait_for_state(home: Path, process: subprocess.Popen) -> dict:
    state = home / "data" / "daemon.json"
    deadline = time.monotonic() + 30
    while not state.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
        time.sleep(0.05)
    return json.loads(state.read_text())


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def test_two_users_run_their_own_daemons_at_once_and_pair_only_with_their_own(
        other_account, shared_folder, tmp_path):
    bob = shared_folder / "bob"
    bob.mkdir()
    shutil.chown(bob, other_account)
    bob.chmod(0o700)
    as_bob = ("runuser", "-u", other_account, "--", "env", f"HOME={bob}",
              f"PYTHONPATH={shared_folder / 'python'}")
    # Both with the default port: whoever comes second (here alice) gets a free one.
    bobs = subprocess.Popen([*as_bob, SYSTEM_PYTHON, "-m", "aifootprint", "run", "--no-tray",
                             "--home", str(bob / "aifp"), "--lang", "en"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        bob_state = wait_for_state(bob / "aifp", bobs)
        alice = start_daemon(tmp_path / "aifp", default_port=True,
                             env={"HOME": str(tmp_path / "alice")})
        try:
            assert alice.port != bob_state["port"] and alice.healthy()
            assert fetch(bob_state["url"] + "/api/v1/health")[0] == 403  # bob's, and it runs

            # Each user's host names their own daemon, never the other's.
            pair_browser(tmp_path / "aifp", tmp_path / "alice")
            answer = ask_host(tmp_path / "aifp" / "data" / "native-host", {"type": "pair"})
            assert answer == {"url": alice.url, "running": True, "token": alice.extension_token}
            done = subprocess.run([*as_bob, SYSTEM_PYTHON, "-m", "aifootprint", "pair-browser",
                                   "--home", str(bob / "aifp")], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            bob_answer = ask_host(bob / "aifp" / "data" / "native-host", {"type": "pair"},
                                  as_user=("runuser", "-u", other_account, "--"))
            assert bob_answer["url"] == bob_state["url"] and bob_answer["running"] is True
            bob_tokens = [(bob / "aifp" / "config" / name).read_text().strip()
                          for name in ("token", "extension-token")]
            assert bob_answer["token"] == bob_tokens[1] != alice.extension_token

            # No page of either, asked by the other account, holds a token.
            for path in ("/", "/pair", "/login?code=guess", "/static/index.html"):
                status, text = as_other(other_account, alice.url + path)
                assert status == 403 and alice.token not in text and \
                    alice.extension_token not in text, path
                status, text = fetch(bob_state["url"] + path)
                assert status == 403 and not any(token in text for token in bob_tokens), path
        finally:
            alice.stop()
        if bob_state["port"] == 47474:  # else something else held it, and bob moved too
            assert "Port 47474 is in use" in alice.output[-1]
    finally:
        os.kill(wait_for_state(bob / "aifp", bobs)["pid"], signal.SIGTERM)
        bobs.communicate(timeout=20)
