"""Public tests for padding_mask: run them with `judge test padding_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


def grid(rows):
    return np.array(rows, dtype=bool)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_right_padding_example(sol):
    """The right-padding example of the statement."""
    expected = grid([[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    expect_array(sol.padding_mask([3, 1, 0], 4), expected, name="padding_mask([3, 1, 0], 4)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_left_padding_example(sol):
    """The left-padding example of the statement: real tokens at the end of each row."""
    expected = grid([[0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
    expect_array(sol.padding_mask([3, 1, 0], 4, side="left"), expected,
                 name="padding_mask([3, 1, 0], 4, side='left')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bias_bidirectional_example(sol):
    """attention_bias without causality: every query sees the real keys only."""
    expected = grid([[1, 1, 0], [1, 1, 0], [1, 1, 0]])[None, None]
    expect_array(sol.attention_bias(np.array([[1, 1, 0]]), causal=False), expected,
                 name="attention_bias([[1, 1, 0]], causal=False)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bias_causal_left_padded_example(sol):
    """attention_bias with causal=True on a left-padded row; the pad query row is all False."""
    expected = grid([[0, 0, 0], [0, 1, 0], [0, 1, 1]])[None, None]
    expect_array(sol.attention_bias(np.array([[0, 1, 1]]), causal=True), expected,
                 name="attention_bias([[0, 1, 1]], causal=True)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_length_above_max_len_raises(sol):
    """A length above max_len raises ValueError naming lengths."""
    expect_raises(ValueError, sol.padding_mask, [5], 4, match="lengths")
