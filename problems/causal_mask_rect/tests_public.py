"""Public tests for causal_mask_rect: run them with `judge test causal_mask_rect`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


def grid(rows):
    return np.array(rows, dtype=bool)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_top_left(sol):
    """q_len=2, k_len=5, top_left: the statement example."""
    expected = grid([[1, 0, 0, 0, 0], [1, 1, 0, 0, 0]])
    expect_array(sol.causal_mask_rect(2, 5, align="top_left"), expected,
                 name="causal_mask_rect(2, 5, align='top_left')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_bottom_right(sol):
    """q_len=2, k_len=5, bottom_right: the statement example."""
    expected = grid([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
    expect_array(sol.causal_mask_rect(2, 5, align="bottom_right"), expected,
                 name="causal_mask_rect(2, 5, align='bottom_right')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_more_queries_than_keys(sol):
    """q_len=5, k_len=2 with the default (bottom_right) alignment: three empty rows."""
    expected = grid([[0, 0], [0, 0], [0, 0], [1, 0], [1, 1]])
    expect_array(sol.causal_mask_rect(5, 2), expected, name="causal_mask_rect(5, 2) with the default align")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_shapes(sol):
    """A zero length gives an empty bool array of shape (q_len, k_len)."""
    expect_array(sol.causal_mask_rect(0, 3), np.zeros((0, 3), dtype=bool), name="causal_mask_rect(0, 3)")
    expect_array(sol.causal_mask_rect(3, 0, align="top_left"), np.zeros((3, 0), dtype=bool),
                 name="causal_mask_rect(3, 0, align='top_left')")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_unknown_align_raises(sol):
    """An unknown align raises ValueError naming align."""
    expect_raises(ValueError, sol.causal_mask_rect, 2, 5, align="lower_right", match="align")
