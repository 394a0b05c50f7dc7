"""The footprint model: counts in, energy, CO2 and water out, each with a range.

Plain functions, no I/O. CO2 = energy x the location's grid intensity; water =
energy x the location's water intensity; the range multiplies the profile's low
and high energy with the low and high water intensity of the Li et al. spread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.i18n import Catalog
from .factors import KINDS, FactorTable, Kind
from .formatting import format_number

# The count field of each kind.
COUNT_FIELDS: dict[str, str] = {"prompt": "prompts", "image": "images", "video": "videos"}


@dataclass(frozen=True)
class Estimate:
    low: float
    central: float
    high: float

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.low + other.low, self.central + other.central, self.high + other.high)

    def scaled(self, factor: float) -> Estimate:
        return Estimate(self.low * factor, self.central * factor, self.high * factor)


ZERO = Estimate(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Impact:
    energy_wh: Estimate = ZERO
    co2_g: Estimate = ZERO
    water_ml: Estimate = ZERO

    def __add__(self, other: Impact) -> Impact:
        return Impact(
            self.energy_wh + other.energy_wh,
            self.co2_g + other.co2_g,
            self.water_ml + other.water_ml,
        )

    def scaled(self, factor: float) -> Impact:
        return Impact(
            self.energy_wh.scaled(factor), self.co2_g.scaled(factor), self.water_ml.scaled(factor)
        )

    def as_dict(self) -> dict:
        """The flat API shape: central values as numbers, the range beside them."""
        metrics = {"energy_wh": self.energy_wh, "co2_g": self.co2_g, "water_ml": self.water_ml}
        flat: dict = {name: estimate.central for name, estimate in metrics.items()}
        flat["range"] = {
            name: {"low": estimate.low, "high": estimate.high} for name, estimate in metrics.items()
        }
        return flat


@dataclass(frozen=True)
class Counts:
    prompts: int = 0
    images: int = 0
    videos: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.prompts + other.prompts, self.images + other.images,
                      self.videos + other.videos)

    def of(self, kind: Kind) -> int:
        return getattr(self, COUNT_FIELDS[kind])


def unit_impact(
    table: FactorTable, kind: Kind, profile: str | None = None, location: str | None = None
) -> Impact:
    """The impact of one prompt, image or video clip."""
    energy = table.energy_wh(kind, profile)
    place = table.location(location)
    water = table.water_range_ml_per_wh
    energy_wh = Estimate(energy.low, energy.central, energy.high)
    return Impact(
        energy_wh=energy_wh,
        co2_g=energy_wh.scaled(place.grid_g_per_kwh / 1000),
        water_ml=Estimate(
            energy.low * min(water.low, place.water_ml_per_wh),
            energy.central * place.water_ml_per_wh,
            energy.high * max(water.high, place.water_ml_per_wh),
        ),
    )


def impact_of(
    table: FactorTable, counts: Counts, profile: str | None = None, location: str | None = None
) -> Impact:
    total = Impact()
    for kind in KINDS:
        total += unit_impact(table, kind, profile, location).scaled(counts.of(kind))
    return total


@dataclass(frozen=True)
class Equivalent:
    """One everyday comparison, e.g. 3.1 phone charges."""

    metric: str  # energy_wh, co2_g or water_ml
    key: str
    amount: float
    texts: dict[str, str] = field(compare=False)

    def text(self, lang: str) -> str:
        return self.texts[lang]

    def as_dict(self) -> dict:
        return {"metric": self.metric, "key": self.key, "amount": self.amount, "text": self.texts}


# A key ending in _one is used when the amount prints as 1.
EQUIVALENT_TEXTS = Catalog("equivalents")

# People, households and cars print as whole numbers ('drinkwater voor 4 mensen', not 4,2
# mensen); `amount` keeps the exact value (the CLI's JSON, the dashboard's tooltip).
# extension/format.js has the same list.
WHOLE_EQUIVALENTS = frozenset({"household_years", "car_years", "drinking_water_people",
                               "household_water_years"})


def equivalent_decimals(key: str, amount: float) -> int:
    """Digits an equivalent's number prints with: none for people, households and cars or
    from 10 up, else one."""
    return 0 if key in WHOLE_EQUIVALENTS or amount >= 10 else 1


def _equivalent(metric: str, key: str, amount: float) -> Equivalent:
    decimals = equivalent_decimals(key, amount)
    texts = {}
    for lang in ("nl", "en"):
        number = format_number(amount, lang, decimals)
        one = f"{key}_one"
        chosen = one if number == "1" and one in EQUIVALENT_TEXTS.messages else key
        texts[lang] = EQUIVALENT_TEXTS(chosen, lang, n=number)
    return Equivalent(metric, key, amount, texts)


def equivalents(table: FactorTable, impact: Impact) -> list[Equivalent]:
    """One comparison per metric, chosen so the number stays relatable at this size."""
    eq = table.equivalents
    wh, grams, ml = impact.energy_wh.central, impact.co2_g.central, impact.water_ml.central

    household_wh = eq.household_kwh_per_year.value * 1000
    if wh < 500:
        energy = _equivalent("energy_wh", "phone_charges", wh / eq.phone_charge_wh.value)
    elif wh < household_wh:
        energy = _equivalent("energy_wh", "whiteboard_hours", wh / eq.digibord_w.value)
    else:
        energy = _equivalent("energy_wh", "household_years", wh / household_wh)

    car_year_g = eq.car_g_per_km.value * eq.car_km_per_year.value
    km = grams / eq.car_g_per_km.value
    if km < 1:
        co2 = _equivalent("co2_g", "car_metres", km * 1000)
    elif grams < car_year_g:
        co2 = _equivalent("co2_g", "car_km", km)
    else:
        co2 = _equivalent("co2_g", "car_years", grams / car_year_g)

    person_year_ml = eq.household_water_l_per_person_day.value * 1000 * 365
    if ml < 1000:
        water = _equivalent("water_ml", "glasses", ml / eq.glass_ml.value)
    elif ml < person_year_ml:
        drinking_ml = eq.drinking_water_l_per_person_day.value * 1000
        water = _equivalent("water_ml", "drinking_water_people", ml / drinking_ml)
    else:
        water = _equivalent("water_ml", "household_water_years", ml / person_year_ml)
    return [energy, co2, water]


def summarize(
    table: FactorTable,
    counts: Counts,
    profile: str | None = None,
    location: str | None = None,
) -> dict:
    """Counts plus impacts and equivalents in the shape the API, CLI and dashboard share."""
    impact = impact_of(table, counts, profile, location)
    return {
        "prompts": counts.prompts,
        "images": counts.images,
        "videos": counts.videos,
        **impact.as_dict(),
        "equivalents": [e.as_dict() for e in equivalents(table, impact)],
    }


def summarize_groups(
    table: FactorTable,
    groups: Iterable[tuple[str, Counts]],
    profile: str | None = None,
    location: str | None = None,
) -> list[dict]:
    """Per-site or per-label breakdown: each group's counts and impacts, largest first."""
    rows = [
        {"name": name, "prompts": c.prompts, "images": c.images, "videos": c.videos,
         **impact_of(table, c, profile, location).as_dict()}
        for name, c in groups
    ]
    return sorted(rows, key=lambda row: (-row["energy_wh"], row["name"]))
