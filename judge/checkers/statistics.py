"""Statistical bands for randomized functions, sized for a false-failure rate below 1e-9.

Bands come from Bernstein's inequality (rigorous for any n) or, for chi-square statistics, from the
Wilson-Hilferty approximation at a z of 7.0 (one-sided tail about 1.3e-12, far below the 1e-9 target).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from judge.checkers.base import CheckFailure

FAIL_PROB = 1e-10


def proportion_band(n: int, p: float, fail_prob: float = FAIL_PROB) -> tuple[float, float]:
    """[low, high] holding the share of successes in n Bernoulli(p) trials except with prob < fail_prob.

    Bernstein: P(|X/n - p| >= t) <= 2 exp(-n t^2 / (2 p (1-p) + 2 t / 3)).
    """
    if n <= 0:
        return 0.0, 1.0
    L = math.log(2.0 / fail_prob)
    v = p * (1.0 - p)
    # Solve n t^2 = L (2 v + 2 t / 3) for t > 0.
    a, b, c = n, -2.0 * L / 3.0, -2.0 * v * L
    t = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return max(0.0, p - t), min(1.0, p + t)


def chi2_critical(dof: int, z: float = 7.0) -> float:
    """Upper critical value of a chi-square statistic with ``dof`` degrees of freedom (Wilson-Hilferty)."""
    k = float(dof)
    return k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3


def chi_square(counts: Any, expected: Any) -> float:
    counts = np.asarray(counts, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return float(((counts - expected) ** 2 / expected).sum())


def expect_band(
    observed: float, low: float, high: float, *, name: str, n: int | None = None, hint: str | None = None
) -> None:
    """``observed`` must lie in [low, high]; the message states the band, the sample size and a hint."""
    if low <= observed <= high:
        return
    size = f" over {n:,} samples" if n is not None else ""
    text = f"statistical check failed: {name} = {observed:.4f}, expected within [{low:.4f}, {high:.4f}]{size}"
    if hint:
        text += f" ({hint})"
    raise CheckFailure(text, text, name=name)


def expect_proportion(
    successes: int, n: int, p: float, *, name: str, hint: str | None = None, fail_prob: float = FAIL_PROB
) -> None:
    """The share successes / n must be consistent with probability p (Bernstein band)."""
    low, high = proportion_band(n, p, fail_prob)
    observed = successes / n if n else float("nan")
    if n == 0:
        raise CheckFailure(f"statistical check failed: {name}: no samples", name=name)
    expect_band(observed, low, high, name=name, n=n, hint=hint)


def expect_uniform(counts: Any, *, name: str, hint: str | None = None) -> None:
    """Counts over categories must be consistent with a uniform distribution (chi-square, z = 7)."""
    counts = np.asarray(counts, dtype=np.float64)
    k = counts.size
    total = counts.sum()
    stat = chi_square(counts, np.full(k, total / k))
    crit = chi2_critical(k - 1)
    if stat <= crit:
        return
    text = (
        f"statistical check failed: {name} is not uniform (chi-square {stat:.1f} over {k} categories, "
        f"{int(total):,} samples; critical value {crit:.1f})"
    )
    if hint:
        text += f" ({hint})"
    raise CheckFailure(text, text, name=name)
