"""Public tests for clm_labels: run them with `judge test clm_labels`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

IDS = np.array([[5, 6, 7, 2], [8, 2, 2, 2]], dtype=np.int64)
MASK = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=np.int64)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_labels(sol):
    """clm_labels on the statement's example (pad id = EOS id = 2)."""
    expected = np.array([[5, 6, 7, 2], [8, 2, -100, -100]], dtype=np.int64)
    expect_array(sol.clm_labels(IDS, MASK), expected, name="clm_labels(ids, mask)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_shift(sol):
    """shift_labels on the statement's labels: move left, last column -100."""
    labels = np.array([[5, 6, 7, 2], [8, 2, -100, -100]], dtype=np.int64)
    expected = np.array([[6, 7, 2, -100], [2, -100, -100, -100]], dtype=np.int64)
    expect_array(sol.shift_labels(labels), expected, name="shift_labels(labels)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_shift_single_column(sol):
    """shift_labels of a (1, 1) array is [[-100]]."""
    expect_array(sol.shift_labels(np.array([[7]], dtype=np.int64)), np.array([[-100]], dtype=np.int64),
                 name="shift_labels([[7]])")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_shape_mismatch_raises(sol):
    """An attention_mask of another shape raises ValueError naming attention_mask."""
    expect_raises(ValueError, sol.clm_labels, IDS, MASK[:, :3], match="attention_mask")
