"""The teacher's view of a class: released periods with error bars, equivalents and the
report's hypothetical class day for comparison. Plain functions over stored releases.

A released sum is the true sum plus noise, so it can be negative; it is shown clamped at
zero (post-processing costs no privacy) with the interval that holds the noise 95 % of
the time, turned into Wh, g and ml with the factor table like any other count.
"""

from __future__ import annotations

from datetime import datetime

from ..model import periods
from ..model.factors import KINDS, FactorTable, load_factors
from ..model.footprint import Counts, impact_of, summarize, unit_impact
from ..model.formatting import LANGS
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


def period_figures(table: FactorTable, kind: str, release: dict) -> dict:
    """One release as the teacher sees it. Any status but 'released' ('not_enough',
    'too_uncertain') carries no figures at all: the page says why instead."""
    label = {lang: periods.period_label(kind, release["period"], lang) for lang in LANGS}
    if release["status"] != "released":
        return {"period": release["period"], "label": label, "status": release["status"]}
    prompts = noisy_count(release["prompts"], release["scale_prompts"])
    images = noisy_count(release["images"], release["scale_images"])
    low = impact_of(table, Counts(prompts["low"], images["low"])).as_dict()
    high = impact_of(table, Counts(prompts["high"], images["high"])).as_dict()
    return {
        "period": release["period"],
        "label": label,
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


def next_release(kind: str, now: datetime) -> datetime:
    """When the next period is released: the oldest closed one still taking submissions,
    else the one under way, each once its submission window ends."""
    waiting = periods.periods_in_window(kind, now) or [periods.period_of(kind, now.date())]
    return periods.window_ends_at(kind, waiting[0])


def unit_figures(table: FactorTable) -> dict:
    """The central impact of one prompt, image and video: the page's school-day calculator."""
    metrics = ("energy_wh", "co2_g", "water_ml")
    return {kind: {metric: unit_impact(table, kind).as_dict()[metric] for metric in metrics}
            for kind in KINDS}


def class_report(table: FactorTable, row: dict, releases: list[dict], now: datetime) -> dict:
    kind = row["period_kind"]
    hypothetical = hypothetical_class(table, kind)
    figures = [period_figures(table, kind, release) for release in releases]
    for period in figures:
        if period["status"] == "released":
            period["share_of_hypothetical"] = period["energy_wh"] / hypothetical["energy_wh"]
    return {
        "class": {"id": row["id"], "name": row["name"], "period": row["period_kind"],
                  "k": row["k"], "epsilon": row["epsilon"],
                  "clip_prompts": row["clip_prompts"], "clip_images": row["clip_images"]},
        "error_bar_confidence": 1 - ERROR_BAR_ALPHA,
        "periods": figures,
        "next_release": next_release(kind, now).isoformat(timespec="minutes"),
        "hypothetical": hypothetical,
        "unit": unit_figures(table),
    }


def teacher_report(store: AggregatorStore, config: AggregatorConfig, class_id: str,
                   teacher_key: str) -> dict:
    """Check the key, release whatever is due, and report the class (handler and CLI)."""
    row = store.teacher_class(class_id, teacher_key)
    now = config.now()
    store.release_due(now, add_noise, config.test_clock_file is not None)
    answer = class_report(load_factors(config.factors_path), row, store.releases(row["id"]), now)
    return answer | {"joining": store.joining(row)}
