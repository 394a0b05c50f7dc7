"""Dutch and English text: every sentence the Python side shows is in texts.json.

One catalogue, in sections (one per screen or command group: `cli`, `tray`, `pair`,
`teacher_page`...). A module takes its section with `TEXT = Catalog("tray")` and calls
`TEXT("today", lang, n=3)`. The file is read on first use, not at import time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGS = ("nl", "en")
CATALOGUE_PATH = Path(__file__).with_name("texts.json")


@cache
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """Every section of texts.json: {section: {key: {"nl": ..., "en": ...}}}."""
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


class Catalog:
    """One section of the catalogue: `TEXT("today", "nl", n=3)`."""

    def __init__(self, section: str):
        self.section = section

    @property
    def messages(self) -> dict[str, dict[str, str]]:
        return catalogue()[self.section]

    def template(self, key: str, lang: str) -> str:
        """The unformatted text (for a page's script that fills in the values itself)."""
        entry = self.messages[key]
        return entry.get(lang, entry["en"])

    def __call__(self, key: str, lang: str, **params: object) -> str:
        return self.template(key, lang).format(**params)

    def count(self, key: str, lang: str, amount: float, /, **params: object) -> str:
        """The text for `amount` things: `key_one` when it is exactly 1 ('1 telling
        verwijderd', '3 tellingen verwijderd'), where the section has one."""
        one = f"{key}_one"
        return self(one if amount == 1 and one in self.messages else key, lang, **params)


def missing_translations() -> list[str]:
    """section.key of every text lacking nl or en: a test keeps this empty."""
    return [f"{section}.{key}" for section, texts in catalogue().items()
            for key, entry in texts.items() if set(entry) != set(LANGS)]
