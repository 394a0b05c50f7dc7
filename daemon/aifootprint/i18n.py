"""Dutch and English text. Each module that shows text keeps its own Catalog."""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("nl", "en")


class Catalog:
    """Messages by key, each in nl and en: `TEXT("today", "nl", n=3)`."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]):
        self.messages = messages

    def __call__(self, key: str, lang: str, **params: object) -> str:
        entry = self.messages[key]
        return entry.get(lang, entry["en"]).format(**params)

    def missing_translations(self) -> list[str]:
        """Keys lacking nl or en: a test keeps this empty for every catalog."""
        return [k for k, entry in self.messages.items() if set(entry) != set(LANGS)]
