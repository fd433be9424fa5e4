"""Public tests for packed_causal_mask: run them with `judge test packed_causal_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

SEG = np.array([7, 7, 7, 3, 3, 5, 5, 5, 5])
BATCH = np.array([[1, 1, 2, 2, 1], [4, 4, 4, 4, 4]])


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_positions(sol):
    """Documents of lengths 3, 2, 4: positions restart at 0."""
    expect_array(sol.packed_position_ids(SEG), np.array([0, 1, 2, 0, 1, 0, 1, 2, 3], dtype=np.int64),
                 name="packed_position_ids([7, 7, 7, 3, 3, 5, 5, 5, 5])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_mask(sol):
    """Documents of lengths 3, 2, 4: three lower-triangular blocks."""
    expected = np.zeros((9, 9), dtype=bool)
    for lo, hi in [(0, 3), (3, 5), (5, 9)]:
        expected[lo:hi, lo:hi] = np.tril(np.ones((hi - lo, hi - lo), dtype=bool))
    expect_array(sol.packed_causal_mask(SEG), expected, name="packed_causal_mask([7, 7, 7, 3, 3, 5, 5, 5, 5])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_batch_positions(sol):
    """The batch example: an id that reappears starts a new document."""
    expected = np.array([[0, 1, 0, 1, 0], [0, 1, 2, 3, 4]], dtype=np.int64)
    expect_array(sol.packed_position_ids(BATCH), expected, name="packed_position_ids(batch of the statement)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_batch_mask(sol):
    """The batch example: row 0 has three documents, row 1 is plain causal."""
    row0 = np.array([[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 0, 1]],
                    dtype=bool)
    expected = np.stack([row0, np.tril(np.ones((5, 5), dtype=bool))])
    expect_array(sol.packed_causal_mask(BATCH), expected, name="packed_causal_mask(batch of the statement)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_shape_raises(sol):
    """A 3-D segment_ids raises ValueError naming segment_ids."""
    expect_raises(ValueError, sol.packed_causal_mask, np.zeros((2, 2, 3), dtype=np.int64), match="segment_ids")
