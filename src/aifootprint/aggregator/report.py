"""The teacher's view of a class: released periods with their 95 % intervals, equivalents
and the report's hypothetical class for comparison, the next release date, the central
figures per prompt, image and video (the teacher page's calculator) and the seats. Plain
functions over stored releases.

A release is one energy total (Wh) with the interval its noise stays within 95 % of the
time, stated by the release itself; CO2 and water follow from it with the factor table's
location, interval and all (post-processing costs no privacy). A total whose interval is
wider than itself is 'too_uncertain': a status, never a number.
"""

from __future__ import annotations

from datetime import datetime

from ..model import periods
from ..model.class_precision import ALPHA, half_width, wh
from ..model.factors import KINDS, FactorTable, load_factors
from ..model.footprint import Estimate, Impact, equivalents, unit_impact
from ..model.formatting import LANGS
from ..model.scenario import run_scenario
from .config import AggregatorConfig
from .privacy import add_noise, class_weights, energy_bound, expected_precision
from .store import AggregatorStore


def energy_impact(table: FactorTable, energy_wh: float) -> Impact:
    """CO2 and water of an energy total at the table's default location."""
    place = table.location()
    wh = Estimate(energy_wh, energy_wh, energy_wh)
    return Impact(wh, wh.scaled(place.grid_g_per_kwh / 1000), wh.scaled(place.water_ml_per_wh))


def period_figures(table: FactorTable, kind: str, release: dict) -> dict:
    """One release as the teacher sees it, named by its label in nl and en. 'not_enough'
    and 'too_uncertain' carry no total (the page says why instead); 'released' carries the
    total with its stated 95 % interval."""
    label = {lang: periods.period_label(kind, release["period"], lang) for lang in LANGS}
    figures: dict = {"period": release["period"], "label": label, "status": release["status"]}
    if release["status"] == "not_enough":
        return figures
    if release["energy_wh"] is None and release["status"] == "released":
        return earlier_method(release) | {"label": label}
    half = release["half_width_wh"]
    figures |= {"participants": release["band"], "half_width_wh": half,
                "confidence": 1 - ALPHA, "epsilon": release["epsilon"],
                "test_clock": bool(release["test_clock"])}
    if release["status"] == "too_uncertain":
        return figures
    value = release["energy_wh"]
    central = energy_impact(table, value).as_dict()
    low = energy_impact(table, value - half).as_dict()
    high = energy_impact(table, value + half).as_dict()
    return figures | {
        **{metric: central[metric] for metric in ("energy_wh", "co2_g", "water_ml")},
        "noise_range": {metric: {"low": low[metric], "high": high[metric]}
                        for metric in ("energy_wh", "co2_g", "water_ml")},
        "equivalents": [e.as_dict() for e in equivalents(table, energy_impact(table, value))],
    }


def earlier_method(release: dict) -> dict:
    """A period released before one energy total (two noisy counts): shown as it was."""
    return {"period": release["period"], "status": "earlier_method",
            "participants": release["band"], "epsilon": release["epsilon"],
            **{kind: {"value": max(0, release[kind]),
                      "half_width": half_width(release[f"scale_{kind}"])}
               for kind in ("prompts", "images")}}


def hypothetical_class(table: FactorTable, period_kind: str) -> dict:
    """The report's vo class day (25 students) scaled to the school days of one period."""
    day = run_scenario(table)["levels"]["vo"]["class_day"]
    days = periods.RULES[period_kind].school_days
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
                  "k": row["k"], "epsilon": row["epsilon"], "max_students": row["max_students"],
                  "clip_prompts": row["clip_prompts"], "clip_images": row["clip_images"],
                  "clip_videos": row["clip_videos"],
                  # What one student can add to a total, and what each kind weighs in it;
                  # the video weight is the table's, not the report's.
                  "energy_bound_wh": wh(energy_bound(row)),
                  "weights_wh": class_weights(row).as_wh()},
        "expected_precision": expected_precision(row),
        "error_bar_confidence": 1 - ALPHA,
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
