"""Settings are read once: defaults, then the config file, then environment, then flags."""

from __future__ import annotations

import json

import pytest

from aifootprint.core.errors import ConfigError
from aifootprint.daemon.config import DEFAULT_PORT, load_config


def write_config(home, **values):
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "config.json").write_text(json.dumps(values))


def test_defaults_put_every_file_under_home(home):
    config = load_config(home=home, env={"LANG": "en_GB.UTF-8"})
    assert config.port == DEFAULT_PORT and config.lang == "en"
    for path in (config.db_path, config.token_path, config.lock_path, config.log_dir):
        assert home in path.parents


def test_home_comes_from_the_environment_too(home):
    assert load_config(env={"AIFOOTPRINT_HOME": str(home)}).home == home.resolve()


def test_dutch_locale_gives_dutch(home):
    assert load_config(home=home, env={"LANG": "nl_NL.UTF-8"}).lang == "nl"


def test_file_then_environment_then_flags(home):
    write_config(home, port=5001, lang="nl", location="FR")
    assert load_config(home=home, env={}).port == 5001
    assert load_config(home=home, env={"AIFOOTPRINT_PORT": "5002"}).port == 5002
    flagged = load_config(home=home, port=5003, lang="en", env={"AIFOOTPRINT_PORT": "5002"})
    assert (flagged.port, flagged.lang, flagged.location) == (5003, "en", "FR")


@pytest.mark.parametrize("env, flag, message", [
    ({"AIFOOTPRINT_PORT": "http"}, None, "The port from AIFOOTPRINT_PORT must be a number"),
    ({}, 70000, "The port from --port must be between 1 and 65535"),
    ({"AIFOOTPRINT_LANG": "de"}, None, "must be nl or en"),
])
def test_bad_settings_are_one_clear_sentence(home, env, flag, message):
    with pytest.raises(ConfigError, match=message):
        load_config(home=home, port=flag, env=env)


def test_unknown_or_unreadable_config_file_is_refused(home):
    write_config(home, colour="green")
    with pytest.raises(ConfigError, match="unknown settings: colour"):
        load_config(home=home, env={})
    (home / "config" / "config.json").write_text("{")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(home=home, env={})
