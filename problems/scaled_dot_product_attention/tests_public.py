"""Public tests for scaled_dot_product_attention: run them with `judge test scaled_dot_product_attention`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight
F32 = {"rtol": 1e-4, "atol": 1e-5}   # float32 results


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_causal_top_left_example(sol):
    """Statement example 1: is_causal with Lq=2, Lk=5 is top-left aligned (query i sees keys 0..i)."""
    got = sol.scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((5, 3)), np.eye(5), is_causal=True)
    expected = np.array([[1.0, 0.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0, 0.0]])
    expect_allclose(got, expected, **F64, name="scaled_dot_product_attention(zeros (2, 3), zeros (5, 3), eye(5), "
                                               "is_causal=True)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_default_scale_example(sol):
    """Statement example 2: the default scale is 1/sqrt(d) with d = 4 (not dv = 2)."""
    q = np.array([[2 * np.log(3.0), 0.0, 0.0, 0.0]])
    k = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    expect_allclose(sol.scaled_dot_product_attention(q, k, v), np.array([[1.5, 2.5]]), **F64,
                    name="scaled_dot_product_attention(q, k, v) of example 2")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_padding_mask_example(sol):
    """Statement example 3: float32 kept, a (Lk,) key-padding mask, an explicit scale that multiplies."""
    q = np.array([[1.0, 0.0]], dtype=np.float32)
    k = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]], dtype=np.float32)
    v = np.array([[1.0], [100.0], [3.0]], dtype=np.float32)
    got = sol.scaled_dot_product_attention(q, k, v, allowed=np.array([True, False, True]), scale=math.log(3.0))
    expect_allclose(got, np.array([[2.5]], dtype=np.float32), **F32,
                    name="scaled_dot_product_attention(..., allowed=[True, False, True], scale=ln 3)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_fully_masked_query_is_zero(sol):
    """Statement example 3, second call: a query with no allowed key outputs zeros, not NaN."""
    got = sol.scaled_dot_product_attention(np.zeros((2, 2)), np.zeros((2, 2)), np.array([[1.0, 2.0], [3.0, 4.0]]),
                                           allowed=np.array([[True, True], [False, False]]))
    expect_allclose(got, np.array([[2.0, 3.0], [0.0, 0.0]]), **F64,
                    name="scaled_dot_product_attention with a fully masked query row")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_allowed_with_is_causal_raises(sol):
    """Passing allowed together with is_causal=True raises ValueError naming is_causal."""
    x = np.zeros((3, 2))
    expect_raises(ValueError, sol.scaled_dot_product_attention, x, x, x,
                  allowed=np.ones((3, 3), dtype=bool), is_causal=True, match="is_causal")
