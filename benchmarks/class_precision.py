"""How precise a class release is, and what each way of spending epsilon would give.

    python benchmarks/class_precision.py [--draws 20000]

Prints (the figures docs/classroom.md quotes):
1. the expected 95 % margin of the released energy total at the report's school use
   (10 prompts, 5 images a school day) for class sizes and epsilons, default bounds;
2. the designs compared for a class of 25 over a month at epsilon 1;
3. the discrete Gaussian beside the discrete Laplace (OpenDP's own privacy maps);
4. real OpenDP draws through the release's add_noise: the share inside the stated
   margin, and the measured 95th percentile of |noise| against the formula;
5. the privacy accounting over a school year per period kind.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from aifootprint.aggregator.privacy import add_noise  # noqa: E402
from aifootprint.model import class_precision  # noqa: E402
from aifootprint.model.class_precision import (  # noqa: E402
    energy_bound,
    energy_weights,
    half_width,
    ordinary_use,
    preview,
)
from aifootprint.model.factors import load_factors  # noqa: E402
from aifootprint.model.periods import RULES  # noqa: E402

SIZES = (5, 10, 15, 20, 25, 30, 40)
# School-year releases per kind: ten school months (September to June), three terms,
# 40 school weeks, 200 school days.
RELEASES_PER_YEAR = {"month": 10, "term": 3, "week": 40, "day": 200}


def percent(value: float) -> str:
    return f"±{100 * value:.0f} %"


def margins_table(weights) -> None:
    print("1. Expected 95 % margin of the energy total at the report's school use, default bounds")
    print("   epsilon  " + "".join(f"{n:>8}" for n in SIZES))
    for kind in ("month", "term", "week", "day"):
        rules = RULES[kind]
        for epsilon in (1.0, 0.5):
            cells = [percent(preview(weights, n, kind, rules.clip_prompts, rules.clip_images,
                                     epsilon).relative) for n in SIZES]
            print(f"   {kind:5} {epsilon:<4}" + "".join(f"{c:>8}" for c in cells))
    rules = RULES["month"]
    needed = preview(weights, 25, "month", rules.clip_prompts, rules.clip_images, 1.0)
    print(f"   smallest class for ±25 % at epsilon 1: {needed.students_for_target} students")


def relative(sensitivity: float, epsilon: float, total: float) -> float:
    return half_width(sensitivity / epsilon) / total


def designs(weights) -> None:
    """Each design's 95 % margin relative to what it estimates, 25 students, a month."""
    rules, n = RULES["month"], 25
    use = ordinary_use(weights, rules)  # tenths of a Wh per student
    prompts, images = 10 * rules.school_days, 5 * rules.school_days  # per student
    print("\n2. Designs for 25 students over a month at epsilon 1 (95 % margin / the true value)")
    old_p, old_i = 3 * prompts, 3 * images  # the earlier bounds: three times the school use
    print(f"   earlier: two counts at epsilon 0.5 each, bounds 3x: prompts "
          f"{percent(relative(old_p, 0.5, n * prompts))}, images "
          f"{percent(relative(old_i, 0.5, n * images))}")
    clip_p, clip_i = rules.clip_prompts, rules.clip_images
    print(f"   counts only, bounds 2x, epsilon 0.5 each: prompts "
          f"{percent(relative(clip_p, 0.5, n * prompts))}, images "
          f"{percent(relative(clip_i, 0.5, n * images))}")
    bound = energy_bound(weights, clip_p, clip_i)
    print(f"   energy 0.8 + counts 0.1 each: energy {percent(relative(bound, 0.8, n * use))}, "
          f"prompts {percent(relative(clip_p, 0.1, n * prompts))}, images "
          f"{percent(relative(clip_i, 0.1, n * images))}")
    print(f"   energy only at epsilon 1 (chosen): energy {percent(relative(bound, 1.0, n * use))}")


def gaussian_beside_laplace(weights) -> None:
    """The discrete Gaussian at the same pure-epsilon budget does not exist (it has no
    pure-epsilon guarantee); the fair comparison is (epsilon 1, delta 1e-6)."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    rules = RULES["month"]
    bound = energy_bound(weights, rules.clip_prompts, rules.clip_images)
    space = dp.atom_domain(T="i64"), dp.absolute_distance(T="i64")
    low, high = 1.0, 50.0 * bound  # bisect the scale where epsilon(delta=1e-6) reaches 1
    for _ in range(60):
        scale = (low + high) / 2
        measure = dp.c.make_zCDP_to_approxDP(dp.m.make_gaussian(*space, scale=scale))
        if measure.map(bound).epsilon(1e-6) > 1.0:
            low = scale
        else:
            high = scale
    use = 25 * ordinary_use(weights, rules)
    print("\n3. Discrete Laplace (epsilon 1) beside a discrete Gaussian ((1, 1e-6)-DP), OpenDP")
    print(f"   Laplace scale {bound / 10:,.0f} Wh, 95 % margin {percent(half_width(bound) / use)}")
    print(f"   Gaussian sigma {high / 10:,.0f} Wh ({high / bound:.2f} bounds), 95 % margin "
          f"{percent(1.96 * high / use)}")


def draws(weights, count: int) -> None:
    rules = RULES["month"]
    bound = energy_bound(weights, rules.clip_prompts, rules.clip_images)
    truth = 25 * ordinary_use(weights, rules)
    started = time.perf_counter()
    noises = sorted(abs(add_noise(truth, bound, 1.0).value - truth) for _ in range(count))
    took = time.perf_counter() - started
    stated = half_width(bound)
    inside = sum(noise <= stated for noise in noises) / count
    measured = noises[math.ceil(0.95 * count) - 1]
    print(f"\n4. {count:,} OpenDP draws, 25 students, a month, epsilon 1 "
          f"({1e6 * took / count:.0f} µs a release)")
    print(f"   stated margin {stated / 10:,.1f} Wh ({percent(stated / truth)} of "
          f"{truth / 10:,.0f} Wh); inside it: {100 * inside:.2f} % "
          f"(exact: {100 * (1 - class_precision.tail_probability(bound, stated)):.2f} %)")
    print(f"   measured 95th percentile of |noise|: {measured / 10:,.1f} Wh")


def accounting() -> None:
    print("\n5. Privacy over a school year for a student who shares every period (epsilon 1 each)")
    for kind, releases in RELEASES_PER_YEAR.items():
        print(f"   {kind:5}: {releases:3} releases, basic composition epsilon {releases}, "
              f"e^epsilon = {math.exp(min(releases, 700)):.3g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20000)
    options = parser.parse_args()
    weights = energy_weights(load_factors())
    month = RULES["month"]
    bound = energy_bound(weights, month.clip_prompts, month.clip_images)
    print(f"Weights: {weights.as_wh()} Wh; month bound {bound / 10:,.0f} Wh a student; "
          f"ordinary month {ordinary_use(weights, month) / 10:,.0f} Wh\n")
    margins_table(weights)
    designs(weights)
    gaussian_beside_laplace(weights)
    draws(weights, options.draws)
    accounting()
    return 0


if __name__ == "__main__":
    sys.exit(main())
