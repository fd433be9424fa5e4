"""Public tests of sequence_pooling: learners run them with `judge test sequence_pooling` and see full feedback."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises

H = np.arange(32.0).reshape(4, 4, 2)
M = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0]])


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("method,expected", [
    ("last", [[2.0, 3.0], [14.0, 15.0], [22.0, 23.0], [24.0, 25.0]]),
    ("mean", [[1.0, 2.0], [13.0, 14.0], [19.0, 20.0], [0.0, 0.0]]),
    ("first", [[0.0, 1.0], [8.0, 9.0], [16.0, 17.0], [24.0, 25.0]]),
], ids=["last", "mean", "first"])
def test_statement_example(sol, method, expected):
    """The statement's example: right, left, no padding and a row without a real token."""
    expect_allclose(sol.sequence_pooling(H, M, method), np.array(expected), rtol=1e-12, atol=0,
                    name=f"sequence_pooling(h, m, {method!r})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_left_padding_last_token(sol):
    """A left-padded row pools its rightmost real token, not the token at position count - 1."""
    h = np.arange(10.0).reshape(1, 5, 2)
    m = np.array([[0, 0, 0, 1, 1]])
    expect_allclose(sol.sequence_pooling(h, m, "last"), np.array([[8.0, 9.0]]), rtol=1e-12, atol=0,
                    name="sequence_pooling(h, [[0, 0, 0, 1, 1]], 'last')")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_unknown_method(sol):
    """An unknown method raises ValueError naming method."""
    expect_raises(ValueError, sol.sequence_pooling, H, M, "cls", match="method")
