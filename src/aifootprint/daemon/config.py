"""Configuration, read once: defaults, then the config file, then environment, then flags.

Every file the program writes lives under one of the directories here. With
`home` set (--home or AIFOOTPRINT_HOME) they are all under that one folder, which is
what every test uses; otherwise they follow the platform's conventions (platformdirs).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

import platformdirs

from ..core.configuration import folder, parse_lang, parse_port, system_lang
from ..core.errors import ConfigError

APP_NAME = "aifootprint"
# Fixed and documented (README): the extension and the CLI look here first.
DEFAULT_PORT = 47474
CONFIG_FILE_NAME = "config.json"


@dataclass(frozen=True)
class Config:
    home: Path | None = None
    port: int = DEFAULT_PORT
    lang: str = "en"
    profile: str | None = None  # None: the factor table's default
    location: str | None = None
    factors_path: Path | None = None  # None: the table shipped with the package

    @property
    def data_dir(self) -> Path:
        return folder(self.home, "data", platformdirs.user_data_dir, APP_NAME)

    @property
    def config_dir(self) -> Path:
        return folder(self.home, "config", platformdirs.user_config_dir, APP_NAME)

    @property
    def log_dir(self) -> Path:
        return folder(self.home, "logs", platformdirs.user_log_dir, APP_NAME)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "footprint.db"

    @property
    def token_path(self) -> Path:
        """The owner's token: the CLI and the tray (everything, deleting included)."""
        return self.config_dir / "token"

    @property
    def extension_token_path(self) -> Path:
        """The browser extension's token: events in, figures and settings out, pause and
        label (docs/security.md, least privilege)."""
        return self.config_dir / "extension-token"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "daemon.lock"

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_FILE_NAME


def _from_file(config: Config) -> Config:
    path = config.config_file
    if not path.exists():
        return config
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError("config_unreadable", path=path, error=error) from None
    known = {f.name for f in fields(Config)} - {"home"}
    unknown = set(values) - known if isinstance(values, dict) else {"(not an object)"}
    if unknown:
        raise ConfigError("config_unknown", path=path, names=", ".join(unknown))
    if "port" in values:
        values["port"] = parse_port(values["port"], str(path))
    if "lang" in values:
        values["lang"] = parse_lang(values["lang"], str(path))
    if values.get("factors_path"):
        values["factors_path"] = Path(values["factors_path"])
    return replace(config, **values)


def load_config(
    home: str | Path | None = None,
    port: int | None = None,
    lang: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Build the Config in the documented order: defaults, file, environment, flags."""
    env = os.environ if env is None else env
    home = home or env.get("AIFOOTPRINT_HOME") or None
    config = Config(home=Path(home).expanduser().resolve() if home else None, lang=system_lang(env))
    config = _from_file(config)
    if env.get("AIFOOTPRINT_PORT"):
        config = replace(config, port=parse_port(env["AIFOOTPRINT_PORT"], "AIFOOTPRINT_PORT"))
    if env.get("AIFOOTPRINT_LANG"):
        config = replace(config, lang=parse_lang(env["AIFOOTPRINT_LANG"], "AIFOOTPRINT_LANG"))
    if port is not None:
        config = replace(config, port=parse_port(port, "--port"))
    if lang is not None:
        config = replace(config, lang=parse_lang(lang, "--lang"))
    return config
