"""Hidden tests for causal_mask. Expected values come from a loop over the definition, not from the reference."""

import functools

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def by_definition(n):
    out = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            out[i, j] = j <= i
    return out


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_token(sol):
    """seq_len 1: the one token sees itself."""
    expect_array(sol.causal_mask(1), np.ones((1, 1), dtype=bool), name="causal_mask(1)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n", [2, 3, 7, 16, 33], ids=cases())
def test_matches_definition(sol, n):
    """allowed[i, j] == (j <= i) for several lengths."""
    expect_array(sol.causal_mask(n), by_definition(n), name=f"causal_mask({n})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_diagonal_allowed(sol):
    """Every token may attend to itself (the diagonal is True)."""
    got = sol.causal_mask(12)
    expect_array(np.diagonal(got).copy() if isinstance(got, np.ndarray) and got.ndim == 2 else got,
                 np.ones(12, dtype=bool), name="diagonal of causal_mask(12)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_future(sol):
    """Nothing above the diagonal is allowed (no position sees its future)."""
    got = sol.causal_mask(20)
    expect_array(got, by_definition(20), name="causal_mask(20)")


@functools.cache
def large_expected() -> np.ndarray:
    """The expected mask of test_large, computed once per test session (it is only read)."""
    return np.tril(np.ones((2048, 2048), dtype=bool))


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A long sequence (2048) is still exact and fast."""
    expect_array(sol.causal_mask(2048), large_expected(), name="causal_mask(2048)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_length(sol):
    """seq_len 0 is legal (not an error) and gives a (0, 0) bool array."""
    expect_array(sol.causal_mask(0), np.zeros((0, 0), dtype=bool), name="causal_mask(0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("n", [-1, -7], ids=cases())
def test_negative(sol, n):
    """Negative lengths raise ValueError naming seq_len."""
    expect_raises(ValueError, sol.causal_mask, n, match="seq_len")
