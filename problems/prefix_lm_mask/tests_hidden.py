"""Hidden tests for prefix_lm_mask: expected values come from a loop over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def by_definition(n, p):
    out = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(n):
            out[i, j] = j < p or j <= i
    return out


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,p", [(1, 0), (1, 1), (2, 1), (5, 1), (7, 3), (8, 4), (8, 7), (13, 6), (20, 9)], ids=cases())
def test_matches_definition(sol, n, p):
    """allowed[i, j] == (j < prefix_len or j <= i) for several sizes."""
    expect_array(sol.prefix_lm_mask(n, p), by_definition(n, p), name=f"prefix_lm_mask({n}, {p})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_prefix_never_sees_targets(sol):
    """Prefix rows see the whole prefix and no target (seq_len 10, prefix_len 4)."""
    got = sol.prefix_lm_mask(10, 4)
    expect_array(got, by_definition(10, 4), name="prefix_lm_mask(10, 4)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("n", [1, 6, 17], ids=cases())
def test_zero_and_full_prefix(sol, n):
    """prefix_len 0 equals the causal mask and prefix_len seq_len the all-True mask."""
    expect_array(sol.prefix_lm_mask(n, 0), np.tril(np.ones((n, n), dtype=bool)), name=f"prefix_lm_mask({n}, 0)")
    expect_array(sol.prefix_lm_mask(n, n), np.ones((n, n), dtype=bool), name=f"prefix_lm_mask({n}, {n})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_batched(sol):
    """A (B,) int64 prefix_len gives (B, T, T), slice b built from prefix_len[b]."""
    p = np.array([3, 0, 9, 1, 5, 3])
    expected = np.stack([by_definition(9, int(v)) for v in p])
    expect_array(sol.prefix_lm_mask(9, p), expected, name="prefix_lm_mask(9, np.array([3, 0, 9, 1, 5, 3]))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_batched_int32(sol):
    """An int32 prefix_len array works the same way."""
    p = np.array([2, 4], dtype=np.int32)
    expected = np.stack([by_definition(4, 2), by_definition(4, 4)])
    expect_array(sol.prefix_lm_mask(4, p), expected, name="prefix_lm_mask(4, np.array([2, 4], dtype=int32))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_batch_of_one_keeps_batch_axis(sol):
    """prefix_len of shape (1,) gives shape (1, T, T), not (T, T)."""
    expect_array(sol.prefix_lm_mask(5, np.array([2])), by_definition(5, 2)[None],
                 name="prefix_lm_mask(5, np.array([2]))")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_numpy_scalar_prefix(sol):
    """A NumPy integer scalar prefix_len gives a (T, T) mask."""
    expect_array(sol.prefix_lm_mask(6, np.int64(2)), by_definition(6, 2), name="prefix_lm_mask(6, np.int64(2))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("p", [np.array(3), np.array(0, dtype=np.int32)], ids=cases())
def test_zero_dim_array_prefix(sol, p):
    """A 0-d integer array prefix_len is an integer, not a batch: the result is (T, T)."""
    expect_array(sol.prefix_lm_mask(5, p), by_definition(5, int(p)),
                 name=f"prefix_lm_mask(5, np.array({int(p)}))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty(sol):
    """seq_len 0 gives (0, 0); an empty batch gives (0, T, T)."""
    expect_array(sol.prefix_lm_mask(0, 0), np.zeros((0, 0), dtype=bool), name="prefix_lm_mask(0, 0)")
    expect_array(sol.prefix_lm_mask(3, np.zeros(0, dtype=np.int64)), np.zeros((0, 3, 3), dtype=bool),
                 name="prefix_lm_mask(3, empty array)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """seq_len 1024 with a batch of 4 prefixes is exact and fast."""
    n, p = 1024, np.array([0, 300, 1023, 1024])
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    expected = (j[None] < p[:, None, None]) | (j <= i)[None]
    expect_array(sol.prefix_lm_mask(n, p), expected, name="prefix_lm_mask(1024, [0, 300, 1023, 1024])")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("n,p", [(4, -1), (4, 5), (0, 1), (10, 100)], ids=cases())
def test_int_out_of_range(sol, n, p):
    """An integer prefix_len outside [0, seq_len] raises ValueError naming prefix_len."""
    expect_raises(ValueError, sol.prefix_lm_mask, n, p, match="prefix_len")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("values", [[2, 5], [-1, 0], [0, 4, 6]], ids=cases())
def test_array_out_of_range(sol, values):
    """Any value of a prefix_len array outside [0, seq_len] raises ValueError naming prefix_len."""
    expect_raises(ValueError, sol.prefix_lm_mask, 4, np.array(values), match="prefix_len")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_prefix_type(sol):
    """A float or 2-D prefix_len raises ValueError naming prefix_len."""
    expect_raises(ValueError, sol.prefix_lm_mask, 4, 2.0, match="prefix_len")
    expect_raises(ValueError, sol.prefix_lm_mask, 4, np.array([1.0, 2.0]), match="prefix_len")
    expect_raises(ValueError, sol.prefix_lm_mask, 4, np.array([[1, 2]]), match="prefix_len")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_seq_len(sol):
    """A negative seq_len raises ValueError naming seq_len."""
    expect_raises(ValueError, sol.prefix_lm_mask, -2, 0, match="seq_len")
