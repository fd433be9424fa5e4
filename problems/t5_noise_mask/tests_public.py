"""Public tests for t5_noise_mask: run them with `judge test t5_noise_mask`."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises


def runs(mask):
    """[(value, length), ...] of the maximal runs, by a loop."""
    out = []
    for v in mask.tolist():
        if out and out[-1][0] == v:
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return out


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_length_10_single_span(sol):
    """length 10: 2 noise tokens in 1 span, so the mask is exactly 8 x False then 2 x True."""
    got = sol.t5_noise_mask(10, rng=np.random.default_rng(0))
    expect_array(got, np.array([False] * 8 + [True] * 2), name="t5_noise_mask(10)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_length_100_counts(sol):
    """length 100 (statement example): 15 noise tokens in 5 noise spans, 5 non-noise spans, starts non-noise."""
    got = sol.t5_noise_mask(100, rng=np.random.default_rng(1))
    if not (isinstance(got, np.ndarray) and got.dtype == bool and got.shape == (100,)):
        expect_array(got, np.zeros(100, dtype=bool), name="t5_noise_mask(100)")
    r = runs(got)
    noise = [n for v, n in r if v]
    if int(got.sum()) != 15 or len(noise) != 5 or len(r) != 10 or r[0][0]:
        raise CheckFailure(f"t5_noise_mask(100) has runs {[(int(v), n) for v, n in r]}: expected 15 noise tokens "
                           "in 5 noise runs alternating with 5 non-noise runs, starting with non-noise")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_length_too_small(sol):
    """length < 2 raises ValueError naming length."""
    expect_raises(ValueError, sol.t5_noise_mask, 1, rng=np.random.default_rng(0), match="length")
