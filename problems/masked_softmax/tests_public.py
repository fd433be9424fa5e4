"""Public tests for masked_softmax: run them with `judge test masked_softmax`."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight
F32 = {"rtol": 1e-4, "atol": 1e-6}   # float32 results


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The 3x3 example of the statement (blocked score ignored, empty row, scores of 1e4)."""
    scores = np.array([[0.0, np.log(3.0), 7.0], [2.0, 2.0, 2.0], [1e4, -1e4, 0.0]])
    allowed = np.array([[True, True, False], [False, False, False], [True, False, True]])
    expected = np.array([[0.25, 0.75, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    expect_allclose(sol.masked_softmax(scores, allowed), expected, **F64, name="masked_softmax(scores, allowed)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_fully_masked_row_is_zero(sol):
    """A row with nothing allowed is all zeros, not NaN."""
    scores = np.array([[0.5, -1.0, 2.0], [3.0, 1.0, -2.0]])
    allowed = np.array([[False, False, False], [True, True, True]])
    e = np.exp(np.array([3.0, 1.0, -2.0]) - 3.0)
    expected = np.array([[0.0, 0.0, 0.0], list(e / e.sum())])
    expect_allclose(sol.masked_softmax(scores, allowed), expected, **F64, name="masked_softmax with an empty row")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_scores_stable(sol):
    """Scores of magnitude 1e4 do not overflow (subtract the maximum of the allowed scores)."""
    scores = np.array([[1e4, 1e4 - np.log(4.0), -1e4]])
    allowed = np.array([[True, True, True]])
    expected = np.array([[0.8, 0.2, 0.0]])
    expect_allclose(sol.masked_softmax(scores, allowed), expected, **F64, name="masked_softmax of scores near 1e4")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_broadcast_example(sol):
    """The float32 example: the dtype is kept and a (4,) mask broadcasts over the rows."""
    got = sol.masked_softmax(np.zeros((2, 4), dtype=np.float32), np.array([True, True, False, True]))
    third = 1.0 / 3.0
    expected = np.array([[third, third, 0.0, third]] * 2, dtype=np.float32)
    expect_allclose(got, expected, **F32, name="masked_softmax of float32 zeros (2, 4)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_int_mask_raises(sol):
    """An int 0/1 mask is refused with a ValueError naming allowed."""
    expect_raises(ValueError, sol.masked_softmax, np.zeros((2, 3)), np.ones((2, 3), dtype=np.int64),
                  match="allowed")
