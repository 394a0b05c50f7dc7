"""The aggregator's configuration: where its files live, where it listens, which clock.

The aggregator is a separate service (run by school IT), so it keeps its files apart
from a student's daemon: under --home DIR, or the platform's folders for
"aifootprint-aggregator".

The test clock: with AIFOOTPRINT_AGGREGATOR_TEST_CLOCK=<file>, "now" is read from that
file (a local ISO time) instead of the system clock, so tests can close and release a
period without waiting a day. It only moves time: the k threshold, the noise, the clip
bounds and the once-only release hold whatever the clock says. It is an environment
setting of the process, not an HTTP route, so no client can move the clock; a server
using it says so loudly on start, in its log and in /api/v1/health.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from ..core.configuration import folder, parse_lang, parse_port, system_lang
from ..core.errors import ConfigError

APP_NAME = "aifootprint-aggregator"
DEFAULT_PORT = 47480
TEST_CLOCK_ENV = "AIFOOTPRINT_AGGREGATOR_TEST_CLOCK"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(database: object) -> bool:
    """A PostgreSQL address (--database) rather than the SQLite file."""
    return isinstance(database, str) and database.startswith(POSTGRES_SCHEMES)


@dataclass(frozen=True)
class AggregatorConfig:
    home: Path | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    lang: str = "en"
    factors_path: Path | None = None
    test_clock_file: Path | None = None
    cert_file: Path | None = None  # HTTPS: the certificate chain (PEM)
    key_file: Path | None = None  # and its private key; None: the key is in cert_file
    release_check_s: float = 60.0  # how often the server looks for periods to release
    join_rate: int = 120  # lookups and joins a minute per client address; 0: no limit
    database_url: str | None = None  # --database postgresql://...; None: the SQLite file

    @property
    def data_dir(self) -> Path:
        return folder(self.home, "data", platformdirs.user_data_dir, APP_NAME)

    @property
    def log_dir(self) -> Path:
        return folder(self.home, "logs", platformdirs.user_log_dir, APP_NAME)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "aggregator.db"

    @property
    def database(self) -> Path | str:
        """Where the classes are kept: the PostgreSQL address, else the SQLite file."""
        return self.database_url or self.db_path

    @property
    def secret_path(self) -> Path:
        """The key of the keyed hashes (join codes, teacher keys, pseudonyms)."""
        return self.data_dir / "aggregator.secret"

    def now(self) -> datetime:
        """Local time without zone; from the test clock file when one is configured."""
        if self.test_clock_file is None:
            return datetime.now()
        try:
            return datetime.fromisoformat(self.test_clock_file.read_text().strip())
        except (OSError, ValueError) as error:
            raise ConfigError("test_clock_unusable", path=self.test_clock_file,
                              error=error) from None


def load_aggregator_config(
    home: str | Path | None = None,
    host: str | None = None,
    port: int | None = None,
    lang: str | None = None,
    env: Mapping[str, str] | None = None,
    database: str | None = None,
) -> AggregatorConfig:
    """Defaults, then environment, then flags (the same order as the daemon's config)."""
    env = os.environ if env is None else env
    home = home or env.get("AIFOOTPRINT_AGGREGATOR_HOME") or None
    port_value = port if port is not None else env.get("AIFOOTPRINT_AGGREGATOR_PORT")
    clock = env.get(TEST_CLOCK_ENV)
    database = database or env.get("AIFOOTPRINT_AGGREGATOR_DATABASE") or None
    if database is not None and not is_postgres(database):
        raise ConfigError("database_not_postgres")
    return AggregatorConfig(
        home=Path(home).expanduser().resolve() if home else None,
        host=host or env.get("AIFOOTPRINT_AGGREGATOR_HOST") or "127.0.0.1",
        port=_parse_port(port_value) if port_value is not None else DEFAULT_PORT,
        lang=parse_lang(lang, "--lang") if lang else system_lang(env),
        test_clock_file=Path(clock) if clock else None,
        database_url=database,
    )


def _parse_port(value: object) -> int:
    """Like the daemon's, but 0 is allowed: any free port (the server prints which)."""
    return 0 if str(value) == "0" else parse_port(value, "--port")
