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


@pytest.mark.parametrize("name, lang", [
    # POSIX and macOS locale names, BCP 47 tags
    ("nl_NL.UTF-8", "nl"), ("nl_BE.UTF-8", "nl"), ("nl-NL", "nl"), ("en_US.UTF-8", "en"),
    ("C.UTF-8", None), ("POSIX", None),
    # What Python's locale.getlocale() returns on Windows
    ("Dutch_Netherlands", "nl"), ("Dutch_Belgium", "nl"), ("English_United States", "en"),
    ("English_United Kingdom", "en"), ("German_Germany", None),
])
def test_config_language_of_locale_names_systems_really_return(name, lang):
    from aifootprint.core.configuration import language_of

    assert language_of(name) == lang


@pytest.mark.parametrize("langid, lang", [(0x0413, "nl"), (0x0813, "nl"), (0x0409, "en"),
                                          (0x0809, "en"), (0x0407, "en")])
def test_config_windows_display_language_ids(langid, lang):
    from aifootprint.core.configuration import language_of_langid

    assert language_of_langid(langid) == lang


def test_config_system_language_on_windows_and_macos_without_lang(monkeypatch):
    from aifootprint.core import configuration

    monkeypatch.setattr(configuration, "_windows_ui_langid", lambda: 0x0413)
    assert configuration.system_lang({}, platform="win32") == "nl"
    monkeypatch.setattr(configuration, "_mac_preferred_language", lambda: "nl-NL")
    assert configuration.system_lang({}, platform="darwin") == "nl"
    monkeypatch.setattr(configuration, "_mac_preferred_language", lambda: "en-GB")
    assert configuration.system_lang({}, platform="darwin") == "en"
    # LANG, when set, wins on every system
    assert configuration.system_lang({"LANG": "nl_NL.UTF-8"}, platform="win32") == "nl"
    assert configuration.system_lang({"LANGUAGE": "nl:en"}, platform="linux") == "nl"
