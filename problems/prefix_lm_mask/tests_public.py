"""Public tests for prefix_lm_mask: run them with `judge test prefix_lm_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """seq_len 6, prefix_len 3: the statement example."""
    expected = np.array([
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1],
    ], dtype=bool)
    expect_array(sol.prefix_lm_mask(6, 3), expected, name="prefix_lm_mask(6, 3)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_batched_example(sol):
    """prefix_len [0, 2, 4] with seq_len 4: causal, prefix 2, all True."""
    causal = np.tril(np.ones((4, 4), dtype=bool))
    p2 = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    expected = np.stack([causal, p2, np.ones((4, 4), dtype=bool)])
    expect_array(sol.prefix_lm_mask(4, np.array([0, 2, 4])), expected, name="prefix_lm_mask(4, np.array([0, 2, 4]))")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_extremes(sol):
    """prefix_len 0 is the causal mask, prefix_len = seq_len the full mask."""
    expect_array(sol.prefix_lm_mask(5, 0), np.tril(np.ones((5, 5), dtype=bool)), name="prefix_lm_mask(5, 0)")
    expect_array(sol.prefix_lm_mask(5, 5), np.ones((5, 5), dtype=bool), name="prefix_lm_mask(5, 5)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_out_of_range_raises(sol):
    """prefix_len greater than seq_len raises ValueError naming prefix_len."""
    expect_raises(ValueError, sol.prefix_lm_mask, 4, 5, match="prefix_len")
