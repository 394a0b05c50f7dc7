"""Dutch and English throughout: one catalogue (core/texts.json) has both languages for
every text, and every module's section of it exists."""

from __future__ import annotations

import importlib
import pkgutil

import aifootprint
from aifootprint.core.i18n import Catalog, catalogue, missing_translations


def all_catalogs():
    for module_info in pkgutil.walk_packages(aifootprint.__path__, "aifootprint."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, Catalog):
                yield f"{module_info.name}.{name}", value


def test_every_catalog_has_nl_and_en_for_every_key():
    catalogs = dict(all_catalogs())
    assert catalogs, "no text catalogs found"
    assert {name: c.section for name, c in catalogs.items() if c.section not in catalogue()} == {}
    assert missing_translations() == []


def test_catalog_falls_back_to_the_message_in_english_only_for_unknown_languages():
    catalog = Catalog("daemon")
    assert catalog("stopped", "nl") == "AI Footprint is gestopt."
    assert catalog("stopped", "de") == "AI Footprint stopped."


def test_count_takes_the_singular_text_for_exactly_one():
    catalog = Catalog("cli_data")
    assert catalog.count("forgotten", "nl", 1, n="1") == "1 telling verwijderd."
    assert catalog.count("forgotten", "nl", 3, n="3") == "3 tellingen verwijderd."
    assert catalog.count("kept", "en", 1) == "Nothing was deleted."  # no _one: the one text
