"""Public tests for causal_mask: run them with `judge test causal_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The 4x4 example of the statement."""
    expected = np.array(
        [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool
    )
    expect_array(sol.causal_mask(4), expected, name="causal_mask(4)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty(sol):
    """seq_len 0 gives a (0, 0) bool array."""
    expect_array(sol.causal_mask(0), np.zeros((0, 0), dtype=bool), name="causal_mask(0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_raises(sol):
    """A negative seq_len raises ValueError naming seq_len."""
    expect_raises(ValueError, sol.causal_mask, -1, match="seq_len")
