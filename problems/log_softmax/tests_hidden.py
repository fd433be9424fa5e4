"""Hidden tests for log_softmax. Expected values: a loop over 1-D slices in Python floats (math.fsum)."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises
from judge.checkers.case_ids import cases

NEG_INF = -math.inf


def as_array(got):
    """A NumPy scalar stands for a 0-d array (the statement accepts both for a 1-D input)."""
    return np.asarray(got) if isinstance(got, np.floating) else got


def lse_1d(values):
    """log(sum(exp(v))) of a list of Python floats, shifted by the max; -inf when there is no mass."""
    finite = [v for v in values if v != NEG_INF]
    if not finite:
        return NEG_INF
    m = max(finite)
    return m + math.log(math.fsum(math.exp(v - m) for v in finite))


def by_definition(x, axis):
    """(log_softmax, logsumexp) of x along axis, one 1-D slice at a time, in float64."""
    x = np.asarray(x, dtype=np.float64)
    moved = np.moveaxis(x, axis, -1)
    ls = np.empty(moved.shape)
    lse = np.empty(moved.shape[:-1])
    for index in np.ndindex(*moved.shape[:-1]):
        row = [float(v) for v in moved[index]]
        s = lse_1d(row)
        lse[index] = s
        ls[index] = [math.nan if s == NEG_INF else v - s for v in row]
    return np.moveaxis(ls, -1, axis), lse


# float32: the hint's form (x - m) - log(sum(exp(x - m))) is within about 1e-7 relative of the exact value (a
# 100-fold margin here, measured over normal logits of scale 1 to 1e4); x - (m + log(sum)) loses ulp(max |x|),
# about 5e-4 at |x| ~ 1e4, and fails. Below |x| ~ 100 the two are within the tolerance; float64 never separates
# them (1e-12 at |x| ~ 1e4, far inside 1e-9).
F32_TOL = {"rtol": 1e-5, "atol": 1e-5}


def check(sol, x, axis=-1, label="x"):
    ls, lse = by_definition(x, axis)
    if x.dtype == np.float32:
        tol = F32_TOL
        ls, lse = ls.astype(np.float32), lse.astype(np.float32)
    else:
        tol = {"rtol": 1e-9, "atol": 1e-9}
    expect_allclose(sol.log_softmax(x, axis=axis), ls, name=f"log_softmax({label}, axis={axis})", **tol)
    got = as_array(sol.logsumexp(x, axis=axis))
    expect_allclose(got, lse, name=f"logsumexp({label}, axis={axis})", **tol)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("shape,axis", [((7,), 0), ((5, 9), -1), ((5, 9), 0), ((3, 4, 6), 1), ((3, 4, 6), -2),
                                        ((2, 3, 4, 5), 0), ((3, 4, 6), -3)],
                         ids=cases())
def test_matches_definition(sol, shape, axis):
    """Random logits of several shapes and axes match the slice-by-slice definition."""
    x = np.random.default_rng(sum(shape) + axis).normal(0.0, 3.0, size=shape)
    check(sol, x, axis, f"normal{shape}")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_magnitudes(sol):
    """Logits of magnitude 1e4 (positive and negative) give finite, exact results."""
    x = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, -1e4 + 2.0, -1e4 + 0.5], [9999.0, -9999.0, 5000.0]])
    check(sol, x, -1, "large")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_tiny_probabilities(sol):
    """A log-probability of -1000 stays -1000 (no underflow of the probability to 0)."""
    x = np.array([[0.0, -1000.0, -745.5], [20.0, -800.0, 21.0]])
    check(sol, x, -1, "tiny")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_negative_infinity_entries(sol):
    """-inf entries get -inf log-probabilities and do not change the others."""
    x = np.array([[0.0, NEG_INF, 1.0, NEG_INF], [NEG_INF, NEG_INF, NEG_INF, 3.0], [-2.0, 1e4, NEG_INF, 0.0]])
    check(sol, x, -1, "x with -inf")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_all_negative_infinity_row(sol):
    """An all -inf row: logsumexp -inf, log_softmax nan (as PyTorch)."""
    x = np.array([[NEG_INF, NEG_INF, NEG_INF], [1.0, 2.0, 3.0], [NEG_INF, NEG_INF, NEG_INF]])
    check(sol, x, -1, "x with all -inf rows")
    check(sol, x.T.copy(), 0, "x.T")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_class(sol):
    """A length-1 axis: log_softmax 0, logsumexp equal to the entry."""
    x = np.array([[3.5], [-1e4], [0.0]])
    check(sol, x, -1, "one class")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_reduced_axis(sol):
    """Reducing over a length-0 axis gives logsumexp -inf and an empty log_softmax."""
    x = np.zeros((3, 0))
    expect_allclose(sol.log_softmax(x), np.zeros((3, 0)), rtol=0, atol=0, name="log_softmax(zeros((3, 0)))")
    expect_allclose(sol.logsumexp(x), np.full(3, NEG_INF), rtol=0, atol=0, name="logsumexp(zeros((3, 0)))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """No rows at all: shapes (0, 5) and (0,)."""
    x = np.zeros((0, 5))
    expect_allclose(sol.log_softmax(x), np.zeros((0, 5)), rtol=0, atol=0, name="log_softmax(zeros((0, 5)))")
    expect_allclose(sol.logsumexp(x), np.zeros(0), rtol=0, atol=0, name="logsumexp(zeros((0, 5)))")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_float32_large(sol):
    """float32 logits of magnitude 1e4 stay float32 and finite."""
    rng = np.random.default_rng(32)
    x = (rng.normal(0.0, 1.0, size=(6, 50)) * np.array([[1.0], [10.0], [100.0], [1e3], [1e4], [1.0]])).astype(
        np.float32)
    x[5, ::3] = NEG_INF
    check(sol, x, -1, "float32 x")
    check(sol, x, 0, "float32 x")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_integer_input(sol):
    """Integer logits (int64, int32) are computed and returned as float64."""
    x = np.array([[1, 2, 3], [0, 0, 0], [-5, 7, 1]], dtype=np.int64)
    check(sol, x, -1, "int64 x")
    check(sol, x.astype(np.int32), 0, "int32 x")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float16_gives_float64(sol):
    """Only float32 keeps its dtype: float16 logits are computed and returned as float64."""
    x = np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -np.inf, 1.0]], dtype=np.float16)
    check(sol, x, -1, "float16 x")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_vocabulary(sol):
    """A (32, 2000) batch with a wide range of logits."""
    x = np.random.default_rng(64).normal(0.0, 40.0, size=(32, 2000))
    check(sol, x, -1, "normal(32, 2000)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("axis", [2, -3, 5], ids=cases())
def test_axis_out_of_range(sol, axis):
    """An axis outside [-ndim, ndim) raises ValueError naming axis."""
    x = np.zeros((2, 3))
    expect_raises(ValueError, sol.log_softmax, x, axis=axis, match="axis")
    expect_raises(ValueError, sol.logsumexp, x, axis=axis, match="axis")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_zero_dimensional(sol):
    """A 0-d x raises ValueError naming x."""
    expect_raises(ValueError, sol.log_softmax, np.array(1.0), match=r"\bx\b")
    expect_raises(ValueError, sol.logsumexp, np.array(1.0), match=r"\bx\b")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_float32_accurate_near_the_maximum(sol):
    """float32 logits of magnitude 1e4 with several near the maximum: accurate to rtol 1e-5, atol 1e-5."""
    rng = np.random.default_rng(44)
    base = rng.choice([-1e4, 1e4, 3e3], size=(40, 1))
    x = (base + rng.normal(0.0, 2.0, size=(40, 16))).astype(np.float32)
    check(sol, x, -1, "float32 x near +-1e4")
