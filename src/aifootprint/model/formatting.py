"""Numbers and units for people: '1.440 Wh' in Dutch, '1,440 Wh' in English.

Precision follows size, so small figures keep their meaning (0.24 Wh) and large
ones do not pretend to an accuracy the method does not have (2,103 Wh, not 2,102.5).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from ..core.i18n import Catalog

LANGS = ("nl", "en")
# Counted nouns, '1 vraag' and '2 vragen': a kind and its kind_one (texts.json "counts").
COUNT_TEXTS = Catalog("counts")

# (divisor, unit) from small to large; the first whose next step is too big wins.
ENERGY_UNITS = ((1, "Wh"), (1e3, "kWh"), (1e6, "MWh"), (1e9, "GWh"))
MASS_UNITS = ((1, "g"), (1e3, "kg"), (1e6, "t"))
VOLUME_UNITS = ((1, "ml"), (1e3, "L"), (1e6, "m³"))


# Room for every digit of a float (up to 309 before the mark): the default 28 made
# quantize fail on the scenario's largest figures.
EVERY_DIGIT = Context(prec=400)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"Unknown language {lang!r}; use nl or en.")
    return lang


def decimals_for(value: float) -> int:
    """Digits after the separator: none from 100 up, one from 1 up, two significant below."""
    size = abs(value)
    if size == 0 or size >= 100:
        return 0
    if size >= 1:
        return 1
    return min(6, 1 - math.floor(math.log10(size)))


def format_number(value: float, lang: str, decimals: int | None = None) -> str:
    """Group thousands and use the language's decimal mark; drop trailing zeros."""
    check_lang(lang)
    places = decimals_for(value) if decimals is None else decimals
    # Half up, as people round (2,102.5 Wh prints as 2,103), not Python's half to even.
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP,
                                                   context=EVERY_DIGIT)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def count_text(kind: str, count: float, lang: str) -> str:
    """'1 vraag', '1.440 vragen', '1 image': the number, then the singular or the plural."""
    return COUNT_TEXTS.count(kind, lang, count, n=format_number(count, lang, 0))


def uses_text(figures: dict, lang: str) -> str:
    """'3 vragen, 1 afbeelding', with the videos when there are any (CLI and tray)."""
    kinds = ("prompts", "images", "videos") if figures.get("videos") else ("prompts", "images")
    return ", ".join(count_text(kind, figures[kind], lang) for kind in kinds)


def format_quantity(value: float, units: tuple[tuple[float, str], ...], lang: str) -> str:
    divisor, unit = units[0]
    for candidate_divisor, candidate_unit in units:
        if abs(value) >= candidate_divisor:
            divisor, unit = candidate_divisor, candidate_unit
    return f"{format_number(value / divisor, lang)} {unit}"


def format_energy(wh: float, lang: str) -> str:
    return format_quantity(wh, ENERGY_UNITS, lang)


def format_co2(grams: float, lang: str) -> str:
    return f"{format_quantity(grams, MASS_UNITS, lang)} CO2"


def format_water(ml: float, lang: str) -> str:
    return format_quantity(ml, VOLUME_UNITS, lang)
