"""One daemon per home: an exclusive lock, and the state file that says where it listens.

The CLI (`status`, a second `run`) and the tray read `daemon.json` to find the running
daemon; the lock decides whether one runs at all. A CLI command that writes while no
daemon runs holds the same lock for as long (`claim`), so the databases have one writing
process at a time: a daemon starting meanwhile waits for the command to finish.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import ConfigError
from .config import Config

POLL_S = 0.05


class InstanceLock:
    """An exclusive SQLite lock on config.lock_path, held for the daemon's whole life.

    SQLite's file locking works alike on Linux, macOS and Windows (fcntl alone would
    not run on Windows), and the OS drops the lock when the process dies, even by
    kill -9, so a stale lock file never blocks the next start. The file stays empty.
    """

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = MEMORY")  # nothing is written: no journal file
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.DatabaseError as error:
            conn.close()
            if error.sqlite_errorname == "SQLITE_BUSY":  # another daemon holds it
                return False
            raise ConfigError("lock_unusable", path=self.path, error=error) from None
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn:
            self._conn.close()  # ends the transaction and with it the lock
            self._conn = None


def state_path(config: Config) -> Path:
    return config.data_dir / "daemon.json"


def write_state(config: Config, port: int) -> dict:
    state = {"port": port, "pid": os.getpid(), "url": f"http://127.0.0.1:{port}",
             "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    path = state_path(config)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)
    return state


def read_state(config: Config) -> dict:
    """What daemon.json says (port, pid, url, started_at), or {} if there is none."""
    try:
        return json.loads(state_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def running_daemon(config: Config) -> dict | None:
    """The running daemon's state (port, pid, url, started_at), or None if none runs.

    {} when a daemon holds the lock but has not written its state yet.
    """
    probe = InstanceLock(config.lock_path)
    if probe.acquire():
        probe.release()
        return None
    return read_state(config)


def claim(lock: InstanceLock, config: Config, wait_s: float) -> dict | None:
    """None once `lock` is ours; else the running daemon's state, which has its "url".

    While the lock is held and no url is known (a daemon starting, or a CLI command
    writing), it keeps trying for up to wait_s, then gives up with {}.
    """
    deadline = time.monotonic() + wait_s
    while not lock.acquire():
        state = read_state(config)
        if "url" in state or time.monotonic() >= deadline:
            return state
        time.sleep(POLL_S)
    state_path(config).unlink(missing_ok=True)  # no daemon runs: one killed left it behind
    return None


PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600


def check_writable(config: Config) -> None:
    """ConfigError, one sentence in the user's language, unless every folder the daemon
    writes in (data, config, logs) can be written: a read-only home, a full or
    write-protected drive, another account's folder."""
    for folder in (config.data_dir, config.config_dir, config.log_dir):
        probe = folder / f".write-test-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE))
            probe.unlink()
        except OSError as error:
            raise ConfigError("not_writable", folder=folder,
                              reason=error.strerror or error) from None


def make_private(config: Config) -> None:
    """The user's folders 0700 and every file in them 0600: created so (the process umask
    is 077, see cli), and fixed on start for files an older version or a copy left open to
    other accounts of the computer. chmod opens no file, so SQLite's locks are untouched.
    A file its owner may run (the native messaging host's launcher) stays 0700."""
    for folder in (config.data_dir, config.config_dir, config.log_dir):
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        folder.chmod(PRIVATE_FOLDER)
        for path in folder.rglob("*"):
            runnable = path.is_dir() or path.stat().st_mode & stat.S_IXUSR
            path.chmod(PRIVATE_FOLDER if runnable else PRIVATE_FILE)
