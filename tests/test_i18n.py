"""Dutch and English throughout: every text catalog has both languages for every key."""

from __future__ import annotations

import importlib
import pkgutil

import aifootprint
from aifootprint.i18n import Catalog


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
    missing = {name: c.missing_translations() for name, c in catalogs.items()}
    assert {name: keys for name, keys in missing.items() if keys} == {}


def test_catalog_falls_back_to_the_message_in_english_only_for_unknown_languages():
    catalog = Catalog({"hello": {"nl": "Hallo {name}", "en": "Hello {name}"}})
    assert catalog("hello", "nl", name="Sam") == "Hallo Sam"
    assert catalog("hello", "de", name="Sam") == "Hello Sam"
