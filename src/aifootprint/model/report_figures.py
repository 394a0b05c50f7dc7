"""The report's printed figures beside exact arithmetic, each difference with its reason.

The report ('De milieu-impact van generatieve AI in het po en vo', 2024) prints its
national results as everyday units: people's yearly household water, households' yearly
electricity and petrol cars' yearly CO2. Its headline (chapter 1) adds vo and po, Figure 1
gives them per level for the country and Table 2 per school. Recomputed from its own
assumptions, three things explain every difference (checked to the printed digit in
tests/test_report_figures.py):

- `co2_per_image`: the report uses 2.1 g CO2 per image where 8.5 Wh x 250 g/kWh is
  2.125 g;
- `car_km`: its car figures fit a car driving 11,100 km a year, not the 11,000 km its
  appendix states (all four car figures: 2,495, 71, 2,566 and GPT-3's 334);
- `sum_of_rounded`: the headline's 1,440 people is 1,400 + 40, the sum of two rounded
  figures, where the unrounded total is 1,439.1.

Plain functions over a scenario result (scenario.run_scenario); no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import LANGS, Catalog
from .factors import FactorTable

TEXT = Catalog("report_figures")

# The km a year that the report's car figures fit (see the module docstring).
REPORT_CAR_KM_PER_YEAR = 11_100
LEVELS = ("vo", "po")
MEASURES = ("people_water", "households_electricity", "cars_co2")


@dataclass(frozen=True)
class Printed:
    """A figure as the report prints it, and the decimals it is printed with."""

    value: float
    decimals: int = 0


# Figure 1 (the country, a school year) and Table 2 (one school, a school year).
FIGURE_1 = {
    "vo": {"people_water": Printed(1400), "households_electricity": Printed(6641),
           "cars_co2": Printed(2495)},
    "po": {"people_water": Printed(40), "households_electricity": Printed(188),
           "cars_co2": Printed(71)},
}
TABLE_2 = {
    "vo": {"people_water": Printed(1), "households_electricity": Printed(4.6, 1),
           "cars_co2": Printed(1.7, 1)},
    "po": {"people_water": Printed(0.01, 2), "households_electricity": Printed(0.03, 2),
           "cars_co2": Printed(0.01, 2)},
}
# Chapter 1: vo and po together.
HEADLINE = {"people_water": Printed(1440), "households_electricity": Printed(6829),
            "cars_co2": Printed(2566)}
# Training GPT-3, the report's context (never counted in a footprint).
GPT3_TRAINING = {"energy_mwh": 1287, "co2_t": 552}
TRAINING = {"households_electricity": Printed(515), "cars_co2": Printed(334)}


def everyday_units(table: FactorTable, energy_wh: float, co2_g: float, water_ml: float,
                   car_km: float) -> dict[str, float]:
    """A year's energy, CO2 and water as households, cars and people (the report's units)."""
    eq = table.equivalents
    return {
        "people_water": water_ml / 1000 / (eq.household_water_l_per_person_day.value * 365),
        "households_electricity": energy_wh / (eq.household_kwh_per_year.value * 1000),
        "cars_co2": co2_g / (eq.car_g_per_km.value * car_km),
    }


def _co2_as_printed(table: FactorTable, level: dict, scale: str, profile: str,
                    location: str) -> float:
    """The CO2 of a scale with the report's rounding: CO2 per image to one decimal."""
    grid = table.location(location).grid_g_per_kwh / 1000
    per_image = round(table.profile(profile).image.central * grid, 1)
    per_prompt = table.profile(profile).prompt.central * grid
    figures = level[scale]
    return figures["images"] * per_image + figures["prompts"] * per_prompt


def _level_units(table: FactorTable, result: dict, level: str, scale: str) -> dict:
    """{'exact': units, 'as_printed': units} of one level at one scale."""
    inputs = result["inputs"]
    figures = result["levels"][level][scale]
    stated_km = table.equivalents.car_km_per_year.value
    co2_printed = _co2_as_printed(table, result["levels"][level], scale, inputs["profile"],
                                  inputs["location"])
    return {
        "exact": everyday_units(table, figures["energy_wh"], figures["co2_g"],
                                figures["water_ml"], stated_km),
        "as_printed": everyday_units(table, figures["energy_wh"], co2_printed,
                                     figures["water_ml"], REPORT_CAR_KM_PER_YEAR),
    }


def _figure(group: str, level: str, measure: str, printed: Printed, exact: float,
            as_printed: float, reasons: list[str]) -> dict:
    return {"group": group, "level": level, "measure": measure, "printed": printed.value,
            "decimals": printed.decimals, "exact": exact, "as_printed": as_printed,
            "reasons": reasons}


def _reasons(measure: str, images: float) -> list[str]:
    if measure != "cars_co2":
        return []
    return (["co2_per_image"] if images else []) + ["car_km"]


def report_figures(table: FactorTable, result: dict) -> dict:
    """The headline, Figure 1, Table 2 and the training context, each printed figure beside
    exact arithmetic (the stated assumptions) and the report's own rounding."""
    national = {level: _level_units(table, result, level, "country_year") for level in LEVELS}
    school = {level: _level_units(table, result, level, "school_year") for level in LEVELS}
    images = {level: result["levels"][level]["country_year"]["images"] for level in LEVELS}
    figures = []
    for measure, printed in HEADLINE.items():
        exact = sum(national[level]["exact"][measure] for level in LEVELS)
        as_printed = sum(round(national[level]["as_printed"][measure]) for level in LEVELS)
        reasons = _reasons(measure, sum(images.values()))
        if measure == "people_water":
            reasons.append("sum_of_rounded")
        figures.append(_figure("headline", "vo+po", measure, printed, exact, as_printed,
                               reasons))
    for group, units, printed_table in (("figure_1", national, FIGURE_1),
                                        ("table_2", school, TABLE_2)):
        for level in LEVELS:
            for measure in MEASURES:
                figures.append(_figure(
                    group, level, measure, printed_table[level][measure],
                    units[level]["exact"][measure], units[level]["as_printed"][measure],
                    _reasons(measure, images[level])))
    figures += training_figures(table)
    return {
        "car_km_per_year": {"stated": table.equivalents.car_km_per_year.value,
                            "fitted": REPORT_CAR_KM_PER_YEAR},
        "figures": figures,
        "reasons": {key: {lang: TEXT(f"reason_{key}", lang) for lang in LANGS}
                    for key in ("co2_per_image", "car_km", "sum_of_rounded")},
        "context": [{lang: TEXT(key, lang) for lang in LANGS}
                    for key in ("context_training", "context_inference_share",
                                "context_newer_models", "context_older_models")],
    }


def training_figures(table: FactorTable) -> list[dict]:
    """GPT-3's training as households and cars: context, never part of a footprint."""
    energy_wh = GPT3_TRAINING["energy_mwh"] * 1e6
    co2_g = GPT3_TRAINING["co2_t"] * 1e6
    stated = everyday_units(table, energy_wh, co2_g, 0, table.equivalents.car_km_per_year.value)
    fitted = everyday_units(table, energy_wh, co2_g, 0, REPORT_CAR_KM_PER_YEAR)
    return [_figure("training", "gpt-3", measure, printed, stated[measure], fitted[measure],
                    _reasons(measure, 0))
            for measure, printed in TRAINING.items()]
