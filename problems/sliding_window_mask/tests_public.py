"""Public tests for sliding_window_mask: run them with `judge test sliding_window_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """seq_len 6, window 3: the statement example."""
    expected = np.array([
        [1, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [1, 1, 1, 0, 0, 0],
        [0, 1, 1, 1, 0, 0],
        [0, 0, 1, 1, 1, 0],
        [0, 0, 0, 1, 1, 1],
    ], dtype=bool)
    expect_array(sol.sliding_window_mask(6, 3), expected, name="sliding_window_mask(6, 3)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_window_one_is_diagonal(sol):
    """window 1: each token sees only itself."""
    expect_array(sol.sliding_window_mask(4, 1), np.eye(4, dtype=bool), name="sliding_window_mask(4, 1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_window_is_causal(sol):
    """A window larger than the sequence gives the causal mask."""
    expect_array(sol.sliding_window_mask(5, 99), np.tril(np.ones((5, 5), dtype=bool)),
                 name="sliding_window_mask(5, 99)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_window_raises(sol):
    """window 0 raises ValueError naming window."""
    expect_raises(ValueError, sol.sliding_window_mask, 5, 0, match="window")
