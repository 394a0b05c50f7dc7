"""The teacher's view of a class: released periods with error bars, equivalents and the
report's hypothetical class day for comparison. Plain functions over stored releases.

A released sum is the true sum plus noise, so it can be negative; it is shown clamped at
zero (post-processing costs no privacy) with the interval that holds the noise 95 % of
the time, turned into Wh, g and ml with the factor table like any other count.
"""

from __future__ import annotations

from ..model.factors import FactorTable, load_factors
from ..model.footprint import Counts, impact_of, summarize
from ..model.scenario import run_scenario
from .config import AggregatorConfig
from .privacy import ERROR_BAR_ALPHA, add_noise, error_bar
from .store import AggregatorStore

# School days in a period, to set a period beside the report's class day.
SCHOOL_DAYS = {"week": 5, "day": 1}


def noisy_count(value: int, scale: float) -> dict:
    half = error_bar(scale)
    return {"value": max(0, value), "low": max(0, round(value - half)),
            "high": max(0, round(value + half)), "raw": value}


def period_figures(table: FactorTable, release: dict) -> dict:
    if release["status"] != "released":
        return {"period": release["period"], "status": release["status"]}
    prompts = noisy_count(release["prompts"], release["scale_prompts"])
    images = noisy_count(release["images"], release["scale_images"])
    low = impact_of(table, Counts(prompts["low"], images["low"])).as_dict()
    high = impact_of(table, Counts(prompts["high"], images["high"])).as_dict()
    return {
        "period": release["period"],
        "status": "released",
        "participants": release["band"],
        "prompts_noisy": prompts,
        "images_noisy": images,
        **summarize(table, Counts(prompts["value"], images["value"])),
        "noise_range": {metric: {"low": low[metric], "high": high[metric]}
                        for metric in ("energy_wh", "co2_g", "water_ml")},
        "epsilon": release["epsilon"],
        "test_clock": bool(release["test_clock"]),
    }


def hypothetical_class(table: FactorTable, period_kind: str) -> dict:
    """The report's vo class day (25 students) scaled to the school days of one period."""
    day = run_scenario(table)["levels"]["vo"]["class_day"]
    days = SCHOOL_DAYS[period_kind]
    return {
        "school_days": days,
        "class_day": {key: day[key] for key in ("prompts", "images", "energy_wh", "co2_g",
                                                "water_ml", "equivalents")},
        "energy_wh": day["energy_wh"] * days,
        "co2_g": day["co2_g"] * days,
        "water_ml": day["water_ml"] * days,
    }


def class_report(table: FactorTable, row: dict, releases: list[dict]) -> dict:
    hypothetical = hypothetical_class(table, row["period_kind"])
    figures = [period_figures(table, release) for release in releases]
    for period in figures:
        if period["status"] == "released":
            period["share_of_hypothetical"] = period["energy_wh"] / hypothetical["energy_wh"]
    return {
        "class": {"id": row["id"], "name": row["name"], "period": row["period_kind"],
                  "k": row["k"], "epsilon": row["epsilon"],
                  "clip_prompts": row["clip_prompts"], "clip_images": row["clip_images"]},
        "error_bar_confidence": 1 - ERROR_BAR_ALPHA,
        "periods": figures,
        "hypothetical": hypothetical,
    }


def teacher_report(store: AggregatorStore, config: AggregatorConfig, class_id: str,
                   teacher_key: str) -> dict:
    """Check the key, release whatever is due, and report the class (handler and CLI)."""
    row = store.teacher_class(class_id, teacher_key)
    store.release_due(config.now(), add_noise, config.test_clock_file is not None)
    return class_report(load_factors(config.factors_path), row, store.releases(row["id"]))
