"""Hidden tests for sliding_window_mask: expected values come from a loop over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_int, expect_raises
from judge.checkers.case_ids import cases


def by_definition(n, w):
    out = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            out[i, j] = 0 <= i - j < w
    return out


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,w", [(1, 1), (2, 1), (5, 2), (8, 3), (10, 4), (16, 5), (33, 7), (9, 8)], ids=cases())
def test_matches_definition(sol, n, w):
    """allowed[i, j] == (0 <= i - j < window) for several sizes."""
    expect_array(sol.sliding_window_mask(n, w), by_definition(n, w), name=f"sliding_window_mask({n}, {w})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,w", [(7, 7), (7, 8), (3, 1000)], ids=cases())
def test_window_at_least_length(sol, n, w):
    """window >= seq_len equals the causal mask (window == seq_len included)."""
    expect_array(sol.sliding_window_mask(n, w), np.tril(np.ones((n, n), dtype=bool)),
                 name=f"sliding_window_mask({n}, {w})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_window_counts_itself(sol):
    """Every row of a long sequence sees exactly min(i + 1, window) keys."""
    got = sol.sliding_window_mask(40, 6)
    expect_array(got, by_definition(40, 6), name="sliding_window_mask(40, 6)")
    expect_int(int(got[39].sum()), 6, name="number of keys seen by query 39 of sliding_window_mask(40, 6)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_diagonal_and_no_future(sol):
    """The diagonal is allowed and nothing above it, for window 2."""
    got = sol.sliding_window_mask(12, 2)
    expect_array(got, by_definition(12, 2), name="sliding_window_mask(12, 2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty(sol):
    """seq_len 0 gives a (0, 0) bool array for any valid window."""
    expect_array(sol.sliding_window_mask(0, 1), np.zeros((0, 0), dtype=bool), name="sliding_window_mask(0, 1)")
    expect_array(sol.sliding_window_mask(0, 5), np.zeros((0, 0), dtype=bool), name="sliding_window_mask(0, 5)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """seq_len 2048 with window 256 is exact and fast."""
    n, w = 2048, 256
    d = np.arange(n)[:, None] - np.arange(n)[None, :]
    expect_array(sol.sliding_window_mask(n, w), (d >= 0) & (d < w), name="sliding_window_mask(2048, 256)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("w", [0, -1, -5], ids=cases())
def test_bad_window(sol, w):
    """window < 1 raises ValueError naming window."""
    expect_raises(ValueError, sol.sliding_window_mask, 6, w, match="window")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("n", [-1, -4], ids=cases())
def test_negative_length(sol, n):
    """A negative seq_len raises ValueError naming seq_len."""
    expect_raises(ValueError, sol.sliding_window_mask, n, 3, match="seq_len")
