"""Public tests for attention_reach: run them with `judge test attention_reach`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

D = np.arange(7)[:, None] - np.arange(7)[None, :]
WINDOW2 = (D >= 0) & (D < 2)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_window_example(sol):
    """Sliding window 2 over 3 layers (T=7): reach back 3 tokens."""
    expected = (D >= 0) & (D <= 3)
    expect_array(sol.attention_reach(WINDOW2, 3), expected, name="attention_reach(window 2, 3)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_layers_identity(sol):
    """num_layers 0 gives the identity."""
    expect_array(sol.attention_reach(WINDOW2, 0), np.eye(7, dtype=bool), name="attention_reach(window 2, 0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_residual_keeps_own_token(sol):
    """A mask without its diagonal (j < i): the residual puts the diagonal back."""
    expect_array(sol.attention_reach(D > 0, 1), D >= 0, name="attention_reach(strictly-earlier mask, 1)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_layers_raises(sol):
    """A negative num_layers raises ValueError naming num_layers."""
    expect_raises(ValueError, sol.attention_reach, WINDOW2, -1, match="num_layers")
