"""Public tests for additive_mask: run them with `judge test additive_mask`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

F16_MIN = -65504.0
F32_MIN = float(np.finfo(np.float32).min)
INF = float("inf")
CAUSAL3 = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=bool)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_default(sol):
    """Default dtype float32 and fill -inf on the 3x3 causal mask."""
    expected = np.array([[0, -INF, -INF], [0, 0, -INF], [0, 0, 0]], dtype=np.float32)
    expect_array(sol.to_additive_mask(CAUSAL3), expected, name="to_additive_mask(causal 3x3)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_example_float16_min(sol):
    """dtype float16 with fill 'min' puts -65504.0 (float16's min) where blocked."""
    expected = np.array([[0, F16_MIN, F16_MIN], [0, 0, F16_MIN], [0, 0, 0]], dtype=np.float16)
    expect_array(sol.to_additive_mask(CAUSAL3, dtype="float16", fill="min"), expected,
                 name="to_additive_mask(causal 3x3, dtype='float16', fill='min')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_example_combine_no_overflow(sol):
    """Causal + padding 'min' masks in float32: blocked twice stays finfo.min, never -inf."""
    causal = np.array([[0, F32_MIN, F32_MIN], [0, 0, F32_MIN], [0, 0, 0]], dtype=np.float32)
    padding = np.array([[0, 0, F32_MIN]], dtype=np.float32)
    expected = np.array([[0, F32_MIN, F32_MIN], [0, 0, F32_MIN], [0, 0, F32_MIN]], dtype=np.float32)
    expect_array(sol.combine_additive_masks(causal, padding), expected,
                 name="combine_additive_masks(causal min mask, padding min mask)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example_combine_bias(sol):
    """A -inf causal mask plus a float64 bias row: -inf stays -inf, the rest adds up, dtype float64."""
    causal = np.array([[0, -INF, -INF], [0, 0, -INF], [0, 0, 0]], dtype=np.float32)
    bias = np.array([[0.0, -1.0, -2.0]])
    expected = np.array([[0, -INF, -INF], [0, -1, -INF], [0, -1, -2]], dtype=np.float64)
    expect_array(sol.combine_additive_masks(causal, bias), expected,
                 name="combine_additive_masks(causal -inf mask, bias)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_arguments_raise(sol):
    """An unknown fill raises ValueError naming fill; an int dtype raises ValueError naming dtype."""
    expect_raises(ValueError, sol.to_additive_mask, CAUSAL3, fill="max", match="fill")
    expect_raises(ValueError, sol.to_additive_mask, CAUSAL3, dtype="int32", match="dtype")
