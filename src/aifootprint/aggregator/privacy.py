"""Differential privacy for a class release: discrete Laplace noise from OpenDP.

Neighbouring data sets differ by one student's submission, which adds at most the clip
bound to a sum (prompts: clip_prompts, images: clip_images). The period's epsilon is
split evenly between the two sums; by sequential composition the release of both
costs epsilon. The noise is OpenDP's make_laplace over 64-bit integers, which samples
the discrete Laplace distribution exactly (no floating-point attack surface); we never
sample by hand. OpenDP is imported when noise is needed, not at import time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_K = 5  # never release a period with fewer contributors, whatever a class says
BANDS = ((20, "20+"), (10, "10-19"), (5, "5-9"))
# Error bars: the noise stays inside +-scale*ln(1/alpha) with probability 1 - alpha.
ERROR_BAR_ALPHA = 0.05


@dataclass(frozen=True)
class NoisySums:
    prompts: int
    images: int
    scale_prompts: float
    scale_images: float


def noise_scale(clip: int, epsilon_share: float) -> float:
    """The Laplace scale that makes a sum with sensitivity `clip` epsilon_share-DP."""
    return clip / epsilon_share


def add_noise(prompts: int, images: int, clip_prompts: int, clip_images: int,
              epsilon: float) -> NoisySums:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    share = epsilon / 2
    noisy = []
    for value, clip in ((prompts, clip_prompts), (images, clip_images)):
        space = dp.atom_domain(T="i64"), dp.absolute_distance(T="i64")
        measurement = dp.m.make_laplace(*space, scale=noise_scale(clip, share))
        # OpenDP's own privacy map confirms the spend before any noise is drawn.
        if measurement.map(clip) > share * (1 + 1e-9):
            raise ValueError(f"noise for sensitivity {clip} exceeds epsilon {share}")
        noisy.append(int(measurement(int(value))))
    return NoisySums(noisy[0], noisy[1], noise_scale(clip_prompts, share),
                     noise_scale(clip_images, share))


def participant_band(count: int) -> str:
    for lowest, band in BANDS:
        if count >= lowest:
            return band
    raise ValueError("a band is only given from 5 participants up")


def error_bar(scale: float, alpha: float = ERROR_BAR_ALPHA) -> float:
    """Half-width t with P(|noise| >= t) <= alpha for discrete Laplace noise of this scale.

    For integer t >= 1, P(|X| >= t) = 2 exp(-t/scale) / (1 + exp(-1/scale)) exactly,
    which gives t = scale * ln(2 / (alpha * (1 + exp(-1/scale)))).
    """
    return scale * math.log(2 / (alpha * (1 + math.exp(-1 / scale))))
