"""Before/after statistics shared by the API's evaluation comparison and the training report.

Pure and deterministic (a seeded bootstrap), so both print the same numbers for the same data.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

BOOTSTRAP_RESAMPLES: Final = 2_000
BOOTSTRAP_SEED: Final = 0
CONFIDENCE: Final = 0.95


@dataclass(frozen=True, slots=True)
class MeanDelta:
    """Mean before, mean after, their difference and a bootstrap interval of the difference."""

    n: int
    before_mean: float | None
    after_mean: float | None
    delta: float | None
    ci_low: float | None
    ci_high: float | None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    position = (len(sorted_values) - 1) * q
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] * (1 - fraction) + sorted_values[high] * fraction


def paired_mean_delta(
    before: Sequence[float],
    after: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> MeanDelta:
    """Mean of ``after - before`` over paired items, with a percentile bootstrap interval.

    Items are resampled with replacement ``resamples`` times from a ``random.Random(seed)``.
    """
    if len(before) != len(after):
        raise ValueError(f"paired values differ in length: {len(before)} != {len(after)}")
    n = len(before)
    if n == 0:
        return MeanDelta(0, None, None, None, None, None)
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    delta = sum(diffs) / n
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(diffs, k=n)) / n for _ in range(resamples))
    tail = (1 - confidence) / 2
    return MeanDelta(
        n=n,
        before_mean=_mean(before),
        after_mean=_mean(after),
        delta=delta,
        ci_low=_percentile(means, tail),
        ci_high=_percentile(means, 1 - tail),
    )


def mean_interval(
    values: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high): a percentile bootstrap interval of one mean."""
    n = len(values)
    if n == 0:
        return None, None, None
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    tail = (1 - confidence) / 2
    return sum(values) / n, _percentile(means, tail), _percentile(means, 1 - tail)
