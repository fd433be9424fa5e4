"""Hidden tests for t5_noise_mask.

Counts are worked by hand from the definition (and match T5 / Hugging Face: 100 -> 15 in 5, 512 -> 77 in 26,
568 -> 85 in 28), including the region where the known span-count rules differ: more noise than non-noise tokens
(densities above 0.5, and 0.5 with odd lengths, where half-to-even rounding goes up). Every result is checked for
its exact run structure; the split distribution uses fixed seeds, chi-square at z = 7 and Bernstein bands
(false-failure rate < 1e-9).
"""

import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    chi2_critical,
    chi_square,
    expect_array,
    expect_band,
    expect_raises,
    expect_uniform,
)
from judge.checkers.case_ids import cases


def runs(mask):
    out = []
    for v in mask.tolist():
        if out and out[-1][0] == v:
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return out


def structure(got, length, num_noise, num_spans, name):
    """Exact structure: bool (length,), num_noise noise tokens, num_spans non-noise/noise run pairs, in order.

    Returns (non-noise run lengths, noise run lengths)."""
    if not (isinstance(got, np.ndarray) and got.dtype == bool and got.shape == (length,)):
        expect_array(got, np.zeros(length, dtype=bool), name=name)
    r = runs(got)
    if int(got.sum()) != num_noise:
        raise CheckFailure.elided(f"wrong values: {name} has {int(got.sum())} noise tokens, expected {num_noise}")
    if r[0][0]:
        raise CheckFailure.elided(f"wrong values: {name} starts with noise; it must start with a non-noise run")
    if not r[-1][0]:
        raise CheckFailure.elided(f"wrong values: {name} ends with non-noise; it must end with a noise run")
    if len(r) != 2 * num_spans:
        raise CheckFailure.elided(f"wrong values: {name} has {len(r) // 2} noise spans, expected {num_spans}")
    return [n for v, n in r if not v], [n for v, n in r if v]


COUNTS = [  # (length, density, mean span, num_noise, num_spans), worked by hand
    (2, 0.15, 3.0, 1, 1), (10, 0.15, 3.0, 2, 1), (20, 0.15, 3.0, 3, 1), (50, 0.15, 3.0, 8, 3),
    (100, 0.15, 3.0, 15, 5), (512, 0.15, 3.0, 77, 26), (568, 0.15, 3.0, 85, 28), (40, 0.15, 3.0, 6, 2),
    (10, 0.25, 3.0, 2, 1),     # 2.5 -> 2 (half-to-even)
    (10, 0.5, 2.0, 5, 2),      # 5 / 2 = 2.5 -> 2
    (30, 0.5, 2.0, 15, 8),     # 7.5 -> 8
    (14, 0.5, 2.0, 7, 4),      # 3.5 -> 4
    (10, 0.05, 3.0, 1, 1),     # round(0.5) = 0 -> clamped up to 1
    (7, 0.0, 3.0, 1, 1),       # density 0 still gives one noise token
    (10, 1.0, 3.0, 9, 1),      # clamped to length - 1 = 9; 3 spans capped to the 1 non-noise token
    (9, 0.5, 1.0, 4, 4),       # round(4.5) = 4 noise tokens, 4 spans of length 1
    (1000, 0.3, 5.0, 300, 60),
    # More noise than non-noise: T5's rule round(num_noise / mu), capped at num_nonnoise. Hugging Face's flax
    # script since PR 22938 uses round(min(num_noise, num_nonnoise) / mu) instead: the counts in brackets.
    (10, 0.7, 3.0, 7, 2),      # round(2.33) = 2 [HF: round(3 / 3) = 1]
    (20, 0.6, 3.0, 12, 4),     # round(4.0) = 4 [HF: round(8 / 3) = 3]
    (20, 0.8, 2.0, 16, 4),     # round(8.0) = 8, capped to the 4 non-noise tokens [HF: round(4 / 2) = 2]
    (100, 0.85, 3.0, 85, 15),  # round(28.33) = 28, capped to 15 [HF: round(15 / 3) = 5]
    (10, 0.8, 1.0, 8, 2),      # 8 spans capped to 2 [HF: 2]
    # Density 0.5 with an odd length: round half-to-even can give more noise than non-noise.
    (11, 0.5, 1.5, 6, 4),      # 5.5 -> 6 noise, 5 others; round(6 / 1.5) = 4 [HF: round(5 / 1.5) = 3]
    (23, 0.5, 1.5, 12, 8),     # 11.5 -> 12 noise, 11 others; round(8.0) = 8 [HF: round(7.33) = 7]
    (19, 0.5, 1.0, 10, 9),     # 9.5 -> 10 noise, 9 others; 10 spans capped to 9 [HF: 9]
    (13, 0.5, 2.5, 6, 2),      # 6.5 -> 6 (half-to-even down): 6 / 2.5 = 2.4 -> 2
]


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("length,d,mu,k,s", COUNTS, ids=cases())
def test_counts(sol, length, d, mu, k, s):
    """Exact number of noise tokens and spans (round half-to-even, clamped), starting non-noise, ending noise."""
    got = sol.t5_noise_mask(length, noise_density=d, mean_noise_span_length=mu, rng=np.random.default_rng(length))
    structure(got, length, k, s, f"t5_noise_mask({length}, noise_density={d}, mean_noise_span_length={mu})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("length,d,mu,expected", [
    (2, 0.15, 3.0, [0, 1]),
    (20, 0.15, 3.0, [0] * 17 + [1] * 3),
    (6, 0.5, 1.0, [0, 1, 0, 1, 0, 1]),
    (10, 1.0, 3.0, [0] + [1] * 9),
], ids=cases())
def test_forced_masks(sol, length, d, mu, expected):
    """Parameters that leave only one possible mask give exactly that mask."""
    got = sol.t5_noise_mask(length, noise_density=d, mean_noise_span_length=mu, rng=np.random.default_rng(3))
    expect_array(got, np.array(expected, dtype=bool), name=f"t5_noise_mask({length}, {d}, {mu})")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("length", [1, 0, -5], ids=cases())
def test_bad_length(sol, length):
    """length < 2 raises ValueError naming length."""
    expect_raises(ValueError, sol.t5_noise_mask, length, rng=np.random.default_rng(0), match="length")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kwargs,word", [({"noise_density": -0.1}, "noise_density"),
                                         ({"noise_density": 1.5}, "noise_density"),
                                         ({"mean_noise_span_length": 0.5}, "mean_noise_span_length")], ids=cases())
def test_bad_parameters(sol, kwargs, word):
    """noise_density outside [0, 1] or mean_noise_span_length < 1 raise ValueError naming it."""
    expect_raises(ValueError, sol.t5_noise_mask, 50, rng=np.random.default_rng(0), match=word, **kwargs)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible_and_seeded(sol):
    """Same seed gives the same mask; different seeds and successive calls differ."""
    a = sol.t5_noise_mask(512, rng=np.random.default_rng(8))
    structure(a, 512, 77, 26, "t5_noise_mask(512)")
    expect_array(sol.t5_noise_mask(512, rng=np.random.default_rng(8)), a, name="t5_noise_mask(512), same seed")
    rng = np.random.default_rng(9)
    c = sol.t5_noise_mask(512, rng=rng)
    d = sol.t5_noise_mask(512, rng=rng)
    structure(c, 512, 77, 26, "t5_noise_mask(512)")
    structure(d, 512, 77, 26, "t5_noise_mask(512)")
    assert not np.array_equal(a, c), "different seeds gave the same mask"
    assert not np.array_equal(c, d), "two calls on one generator gave the same mask"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random / random state is not used."""
    before = sol.global_random_state()
    sol.t5_noise_mask(100, rng=np.random.default_rng(0))
    assert sol.global_random_state() == before, "t5_noise_mask changed the global random state"


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_joint_split_uniform(sol):
    """length 10, 5 noise in 2 spans, 5 non-noise in 2 runs: all 4 x 4 splits equally likely (800 calls)."""
    counts = np.zeros((4, 4))
    rng = np.random.default_rng(10)
    for _ in range(800):
        got = sol.t5_noise_mask(10, noise_density=0.5, mean_noise_span_length=2.5, rng=rng)
        nonnoise, noise = structure(got, 10, 5, 2, "t5_noise_mask(10, 0.5, 2.5)")
        counts[nonnoise[0] - 1, noise[0] - 1] += 1
    expect_uniform(counts.ravel(), name="(first non-noise run, first noise span) lengths",
                   hint="choose the cut points uniformly without replacement, independently for noise and "
                        "non-noise")


def first_run_probabilities(m, k, bins):
    """P(first run length in [lo, hi]) for a uniform split of m items into k non-empty runs.

    The first run has length j in C(m - j - 1, k - 2) of the C(m - 1, k - 1) splits."""
    return [sum(math.comb(m - j - 1, k - 2) for j in range(lo, hi + 1)) / math.comb(m - 1, k - 1) for lo, hi in bins]


def expect_first_runs(firsts, m, k, bins, what):
    counts = np.array([sum(lo <= f <= hi for f in firsts) for lo, hi in bins], dtype=np.float64)
    expected = np.array(first_run_probabilities(m, k, bins)) * len(firsts)
    labels = ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in bins)
    expect_band(chi_square(counts, expected), 0.0, chi2_critical(len(bins) - 1),
                name=f"chi-square of the first {what} lengths (bins {labels}) against a uniform split of {m} into {k}",
                n=len(firsts),
                hint=f"observed {counts.astype(int).tolist()}, expected {np.round(expected).astype(int).tolist()}; "
                     f"every split must be equally likely (choose {k - 1} distinct cut points among the {m - 1} "
                     "gaps); run lengths drawn one after the other, or balanced shares, are not uniform")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_first_run_length_distribution(sol):
    """length 40: 15 noise in 5 spans, 25 others in 5 runs; first-run lengths follow the uniform splits (chi-square)."""
    rng = np.random.default_rng(13)
    first_noise, first_plain = [], []
    for _ in range(800):
        got = sol.t5_noise_mask(40, noise_density=0.375, mean_noise_span_length=3.0, rng=rng)
        nonnoise, noise = structure(got, 40, 15, 5, "t5_noise_mask(40, 0.375, 3.0)")
        first_noise.append(noise[0])
        first_plain.append(nonnoise[0])
    expect_first_runs(first_noise, 15, 5, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (7, 11)], "noise span")
    expect_first_runs(first_plain, 25, 5, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (7, 9), (10, 21)],
                      "non-noise run")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_many_long_masks(sol):
    """100 masks of length 568: each has exactly 85 noise tokens in 28 spans, starting non-noise."""
    rng = np.random.default_rng(12)
    for _ in range(100):
        structure(sol.t5_noise_mask(568, rng=rng), 568, 85, 28, "t5_noise_mask(568)")
