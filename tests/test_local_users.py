"""Another account of the same computer cannot use this user's daemon: real Unix accounts.

The test setup creates a second account (CI runs as root) and talks to the daemon as that
account with the system's Python: every route and page is refused before the token is
even looked at, no page gives it the token, and the daemon's files are closed to it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aifootprint.daemon.server.peers import encoded, peer_uid
from daemon_process import start_daemon

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
