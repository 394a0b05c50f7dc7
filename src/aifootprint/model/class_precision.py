"""How precise a class release is: the energy weights, one student's bound, the exact 95 %
interval of the noise, and the preview a teacher sees before creating a class.

Plain functions, no I/O and no OpenDP: the class server (aggregator/privacy.py draws the
noise) and the student's daemon (its preview) both import this module.

What is released per period is ONE energy-weighted total (docs/classroom.md says why):
each student's clipped counts weighted by the report's Wh per prompt and per image and
the table's Wh per video clip, in integer tenths of a Wh (OpenDP's discrete Laplace
works on integers, which leaves no floating-point attack surface), and capped at the
class's energy bound, which is therefore the sum's sensitivity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .periods import RULES, PeriodRules, check_kind

if TYPE_CHECKING:  # the factor table and the scenario are loaded only when used: the CLI
    from .factors import FactorTable  # imports this module for every command

ALPHA = 0.05  # the stated interval holds the true (clipped) total with probability 95 %
UNITS_PER_WH = 10  # the noisy sum counts tenths of a Wh
TARGET = 0.25  # the precision a class should reach: +-25 % of its total


@dataclass(frozen=True)
class EnergyWeights:
    """Tenths of a Wh per prompt, image and video clip (the default profile's central values),
    fixed for a class when it is created so every period of it is weighted alike."""

    prompt: int
    image: int
    video: int

    def of(self, prompts: int, images: int, videos: int) -> int:
        return self.prompt * prompts + self.image * images + self.video * videos

    def as_wh(self) -> dict:
        return {"prompt": wh(self.prompt), "image": wh(self.image), "video": wh(self.video)}


def wh(units: float) -> float:
    """Tenths of a Wh as Wh."""
    return units / UNITS_PER_WH


def energy_weights(table: FactorTable) -> EnergyWeights:
    def units(kind) -> int:
        return round(table.energy_wh(kind).central * UNITS_PER_WH)

    return EnergyWeights(units("prompt"), units("image"), units("video"))


def ordinary_use(weights: EnergyWeights, rules: PeriodRules) -> int:
    """One student's use in a period at the report's school day (10 prompts, 5 images a
    school day, no video), in tenths of a Wh."""
    from .scenario import ScenarioInputs

    day = ScenarioInputs().vo
    per_day = weights.of(round(day.prompts_per_student), round(day.images_per_student), 0)
    return per_day * rules.school_days


def energy_bound(weights: EnergyWeights, clip_prompts: int, clip_images: int) -> int:
    """The most one student adds to the total: what the prompt and image bounds allow.
    Videos count inside it (a video takes room a student's prompts would have had), so
    a class's videos add no noise of their own."""
    return weights.of(clip_prompts, clip_images, 0)


def noise_scale(sensitivity: int, epsilon: float) -> float:
    """The Laplace scale that makes a sum of this sensitivity epsilon-DP (OpenDP's own map
    checks it again before any noise is drawn)."""
    return sensitivity / epsilon


def half_width(scale: float, alpha: float = ALPHA) -> int:
    """The smallest integer h with P(|noise| <= h) >= 1 - alpha for discrete Laplace noise.

    OpenDP's make_laplace over integers samples P(x) proportional to exp(-|x|/scale)
    (Canonne, Kamath, Steinke 2020, section 5.2, cited by OpenDP 0.16's make_laplace).
    Summing the tail: P(|X| >= m) = 2 exp(-m/scale) / (1 + exp(-1/scale)) for m >= 1,
    so P(|X| >= h + 1) <= alpha for h + 1 >= scale * ln(2 / (alpha (1 + exp(-1/scale)))).
    About ln(20) = 3.0 scales at 95 %.
    """
    if scale <= 0:
        return 0
    tail = scale * math.log(2 / (alpha * (1 + math.exp(-1 / scale))))
    return max(0, math.ceil(tail - 1e-9) - 1)


def tail_probability(scale: float, h: int) -> float:
    """P(|noise| > h): the chance that the truth lies outside value +- h."""
    return 2 * math.exp(-(h + 1) / scale) / (1 + math.exp(-1 / scale))


def too_uncertain(value_units: int, half: int) -> bool:
    """A total is not shown when its 95 % interval is wider than the value itself."""
    return 2 * half > value_units


@dataclass(frozen=True)
class Preview:
    """The expected 95 % interval of a class at ordinary use, before it is created."""

    students: int
    period_kind: str
    epsilon: float
    relative: float  # half-width / the class's ordinary total: 0.24 means +-24 %
    half_width_wh: float
    ordinary_total_wh: float
    students_for_target: int  # the smallest class that reaches +-TARGET at these settings

    @property
    def within_target(self) -> bool:
        return self.relative <= TARGET

    def as_dict(self) -> dict:
        return {"students": self.students, "period": self.period_kind, "epsilon": self.epsilon,
                "confidence": 1 - ALPHA, "relative_half_width": self.relative,
                "half_width_wh": self.half_width_wh,
                "ordinary_total_wh": self.ordinary_total_wh,
                "students_for_target": self.students_for_target, "target": TARGET,
                "within_target": self.within_target}


def preview(weights: EnergyWeights, students: int, period_kind: str, clip_prompts: int,
            clip_images: int, epsilon: float) -> Preview:
    """Expected interval for `students` who each use the report's school day every school
    day of the period (the noise does not depend on the use; its share of the total does)."""
    rules = RULES[check_kind(period_kind)]
    half = half_width(noise_scale(energy_bound(weights, clip_prompts, clip_images), epsilon))
    use = ordinary_use(weights, rules)
    return Preview(students, period_kind, epsilon, half / (students * use),
                   wh(half), wh(students * use),
                   math.ceil(half / (TARGET * use)))
