"""Differential privacy for a class release: discrete Laplace noise from OpenDP.

A release is ONE sum per period: the class's energy-weighted total in tenths of a Wh
(model/class_precision.py computes the weights, each student's bound and the interval).
Neighbouring data sets differ by one student's submission, which adds at most the
class's energy bound, so that bound is the sum's sensitivity and the whole epsilon of
the period goes to it. The noise is OpenDP's make_laplace over 64-bit integers, which
samples the discrete Laplace distribution exactly (no floating-point attack surface); we
never sample by hand. OpenDP is imported when noise is needed, not at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import class_precision
from ..model.class_precision import EnergyWeights, half_width, noise_scale, wh

MIN_K = 5  # never release a period with fewer contributors, whatever a class says
# The most one release may spend: the server refuses classes above it and never spends more.
MAX_EPSILON = 1.0
BANDS = ((20, "20+"), (10, "10-19"), (5, "5-9"))


@dataclass(frozen=True)
class NoisyTotal:
    value: int  # tenths of a Wh, the true total plus noise (may be negative)
    scale: float
    half_width: int  # the noise stays within +-half_width with probability 95 %


def add_noise(total: int, sensitivity: int, epsilon: float) -> NoisyTotal:
    if not 0 < epsilon <= MAX_EPSILON:
        raise ValueError(f"epsilon {epsilon} is above the ceiling of {MAX_EPSILON} a release")
    import opendp.prelude as dp

    dp.enable_features("contrib")
    scale = noise_scale(sensitivity, epsilon)
    space = dp.atom_domain(T="i64"), dp.absolute_distance(T="i64")
    measurement = dp.m.make_laplace(*space, scale=scale)
    # OpenDP's own privacy map confirms the spend before any noise is drawn.
    if measurement.map(sensitivity) > epsilon * (1 + 1e-9):
        raise ValueError(f"noise for sensitivity {sensitivity} exceeds epsilon {epsilon}")
    return NoisyTotal(int(measurement(int(total))), scale, half_width(scale))


def participant_band(count: int) -> str:
    for lowest, band in BANDS:
        if count >= lowest:
            return band
    raise ValueError("a band is only given from 5 participants up")


# The release computation over a class's row (the store keeps the rows, this the rules).


def class_weights(row: dict) -> EnergyWeights:
    """The weights fixed when the class was made (migrations.py for older classes)."""
    return EnergyWeights(row["weight_prompt"], row["weight_image"], row["weight_video"])


def energy_bound(row: dict) -> int:
    """The most one student adds to the class's total: the sum's sensitivity."""
    return class_precision.energy_bound(class_weights(row), row["clip_prompts"],
                                        row["clip_images"])


def expected_precision(row: dict) -> dict:
    """What the class's figures will look like at ordinary use with every seat taken."""
    return class_precision.preview(class_weights(row), row["max_students"], row["period_kind"],
                                   row["clip_prompts"], row["clip_images"],
                                   row["epsilon"]).as_dict()


def released_energy(noisy: NoisyTotal) -> dict:
    """The release's figures: the noisy total with its own 95 % interval, or only the
    interval when that is wider than the total (a status, never a number)."""
    figures = {"half_width_wh": wh(noisy.half_width), "scale_wh": wh(noisy.scale)}
    if class_precision.too_uncertain(noisy.value, noisy.half_width):
        return {"status": "too_uncertain", **figures}
    return {"status": "released", "energy_wh": wh(noisy.value), **figures}
