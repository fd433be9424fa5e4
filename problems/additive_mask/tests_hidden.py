"""Hidden tests for additive_mask: expected values are built element by element from the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases

INF = float("inf")
MINS = {"float16": -65504.0, "float32": -3.4028234663852886e38, "float64": -1.7976931348623157e308}


def additive_by_definition(allowed, dtype, fill):
    blocked_value = -INF if fill == "-inf" else MINS[dtype]
    out = np.empty(allowed.shape, dtype=dtype)
    for idx in np.ndindex(*allowed.shape):
        out[idx] = 0.0 if allowed[idx] else blocked_value
    return out


def combine_by_definition(a, b, dtype):
    """Elementwise over the broadcast shape. The inputs here are chosen so that x + y is exact in float64, and
    rounding it to the result dtype gives the correctly rounded sum (or an overflow, clamped at min)."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    a2, b2 = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
    out = np.empty(shape, dtype=dtype)
    for idx in np.ndindex(*shape):
        x, y = float(a2[idx]), float(b2[idx])
        if x == -INF or y == -INF:
            out[idx] = -INF
        else:
            out[idx] = max(x + y, MINS[dtype])  # x + y is exact in Python floats for these inputs
    return out


def random_allowed(seed, shape):
    return np.random.default_rng(seed).random(shape) < 0.5


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"], ids=cases())
@pytest.mark.parametrize("fill", ["-inf", "min"], ids=cases())
def test_every_dtype_and_fill(sol, dtype, fill):
    """0 where allowed, -inf or finfo(dtype).min where blocked, in the requested dtype."""
    allowed = random_allowed(1, (5, 7))
    expect_array(sol.to_additive_mask(allowed, dtype=dtype, fill=fill), additive_by_definition(allowed, dtype, fill),
                 name=f"to_additive_mask(allowed (5, 7), dtype='{dtype}', fill='{fill}')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_defaults(sol):
    """Without dtype and fill: float32 with -inf."""
    allowed = random_allowed(2, (6, 6))
    expect_array(sol.to_additive_mask(allowed), additive_by_definition(allowed, "float32", "-inf"),
                 name="to_additive_mask(allowed (6, 6))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", [np.float16, np.dtype("float64")], ids=cases())
def test_dtype_objects(sol, dtype):
    """dtype may also be a NumPy dtype or scalar type, not only a name."""
    allowed = random_allowed(9, (3, 4))
    name = np.dtype(dtype).name
    expect_array(sol.to_additive_mask(allowed, dtype=dtype, fill="min"), additive_by_definition(allowed, name, "min"),
                 name=f"to_additive_mask(allowed (3, 4), dtype=np.dtype('{name}'), fill='min')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_min_of_requested_dtype(sol):
    """fill 'min' uses the minimum of the requested dtype (float64 here), not float32's."""
    allowed = np.array([[True, False], [False, True]])
    expect_array(sol.to_additive_mask(allowed, dtype="float64", fill="min"),
                 additive_by_definition(allowed, "float64", "min"),
                 name="to_additive_mask(2x2, dtype='float64', fill='min')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("shape", [(0, 4), (7,), (2, 1, 3, 3)], ids=cases())
def test_any_shape(sol, shape):
    """Empty, 1-D and 4-D bool masks keep their shape."""
    allowed = random_allowed(3, shape)
    expect_array(sol.to_additive_mask(allowed, dtype="float32", fill="min"),
                 additive_by_definition(allowed, "float32", "min"),
                 name=f"to_additive_mask(allowed {shape}, fill='min')")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "complex128"], ids=cases())
def test_non_float_dtype(sol, dtype):
    """A dtype that is not a real float raises ValueError naming dtype (with either fill)."""
    allowed = np.ones((2, 2), dtype=bool)
    expect_raises(ValueError, sol.to_additive_mask, allowed, dtype=dtype, match="dtype")
    expect_raises(ValueError, sol.to_additive_mask, allowed, dtype=dtype, fill="min", match="dtype")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("fill", ["inf", "-1e9", "MIN", "", "neg_inf"], ids=cases())
def test_unknown_fill(sol, fill):
    """An unknown fill raises ValueError naming fill."""
    expect_raises(ValueError, sol.to_additive_mask, np.ones((2, 2), dtype=bool), fill=fill, match="fill")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"], ids=cases())
def test_combine_min_masks_never_overflow(sol, dtype):
    """Causal (1,1,T,T) + padding (B,1,1,T) 'min' masks: shape (B,1,T,T), no -inf where both block."""
    T = 5
    low = MINS[dtype]
    causal = np.where(np.tril(np.ones((T, T), dtype=bool)), 0.0, low).astype(dtype)[None, None]
    keep = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]], dtype=bool)
    padding = np.where(keep, 0.0, low).astype(dtype)[:, None, None, :]
    expect_array(sol.combine_additive_masks(causal, padding), combine_by_definition(causal, padding, dtype),
                 name=f"combine_additive_masks(causal {dtype} min (1,1,5,5), padding (3,1,1,5))")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_combine_inf_stays_inf(sol):
    """-inf plus anything (0, min, a bias) stays -inf; min plus min stays min."""
    low = MINS["float32"]
    a = np.array([[-INF, -INF, -INF, low, low, 0.0]], dtype=np.float32)
    b = np.array([[0.0, low, -3.0, low, -INF, low]], dtype=np.float32)
    expected = np.array([[-INF, -INF, -INF, low, -INF, low]], dtype=np.float32)
    expect_array(sol.combine_additive_masks(a, b), expected, name="combine_additive_masks(a, b) float32")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_combine_bias_adds_up(sol):
    """ALiBi-like biases and a -inf causal mask: finite parts add (not min), -inf stays, dtype float64."""
    T = 6
    i, j = np.meshgrid(np.arange(T), np.arange(T), indexing="ij")
    bias = -(np.abs(i - j).astype(np.float64))[None]          # (1, T, T)
    mask = np.where(j <= i, 0.0, -INF).astype(np.float32)    # (T, T)
    extra = np.array([0.0, -1.0, -2.0, -3.0, 0.0, -5.0])      # (T,), broadcast over rows
    expect_array(sol.combine_additive_masks(bias, mask), combine_by_definition(bias, mask, "float64"),
                 name="combine_additive_masks(bias (1,6,6) float64, causal (6,6) float32)")
    expect_array(sol.combine_additive_masks(mask, extra), combine_by_definition(mask, extra, "float64"),
                 name="combine_additive_masks(causal (6,6) float32, bias (6,) float64)")
    expect_array(sol.combine_additive_masks(bias, extra), combine_by_definition(bias, extra, "float64"),
                 name="combine_additive_masks(bias (1,6,6) float64, bias (6,) float64)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype,values_a,values_b", [
    ("float32", [-3.4028234663852886e38, -3.0e38, -2.0e38, -1.0e38, -3.0e38],
                [-1.0e38, -1.0e38, -1.0e38, -1.0e38, 0.0]),
    ("float16", [-65504.0, -60000.0, -30000.0, -40000.0, -1.0],
                [-2.0, -10000.0, -30000.0, -40000.0, -65504.0]),
], ids=cases())
def test_combine_overflow_not_only_min_plus_min(sol, dtype, values_a, values_b):
    """Any sum below the dtype's range is clamped to finfo.min, not only min + min (e.g. min plus a large bias)."""
    a = np.array(values_a, dtype=dtype)
    b = np.array(values_b, dtype=dtype)
    expect_array(sol.combine_additive_masks(a, b), combine_by_definition(a, b, dtype),
                 name=f"combine_additive_masks({dtype} large negative values)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_combine_result_dtype(sol):
    """float16 with float32 gives float32; float16 with float16 stays float16 (and is clamped at -65504)."""
    h = np.array([0.0, -65504.0, -65504.0, -2.0], dtype=np.float16)
    f = np.array([0.0, -1.0, -65504.0, 3.0], dtype=np.float32)
    expect_array(sol.combine_additive_masks(h, f), combine_by_definition(h, f, "float32"),
                 name="combine_additive_masks(float16, float32)")
    expect_array(sol.combine_additive_masks(h, h), combine_by_definition(h, h, "float16"),
                 name="combine_additive_masks(float16, float16)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_combine_roundtrip(sol):
    """combine(to_additive_mask(x, min), to_additive_mask(y, min)) is min exactly where x & y is False."""
    x, y = random_allowed(4, (2, 8, 8)), random_allowed(5, (1, 8, 8))
    a = sol.to_additive_mask(x, dtype="float32", fill="min")
    b = sol.to_additive_mask(y, dtype="float32", fill="min")
    expected = np.where(x & y, 0.0, MINS["float32"]).astype(np.float32)
    expect_array(sol.combine_additive_masks(a, b), expected, name="combine_additive_masks of two min masks")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("which", ["a", "b"], ids=cases())
def test_combine_non_float(sol, which):
    """A bool or int input raises ValueError naming that argument."""
    good = np.zeros((2, 2), dtype=np.float32)
    for bad in (np.ones((2, 2), dtype=bool), np.zeros((2, 2), dtype=np.int64)):
        args = (bad, good) if which == "a" else (good, bad)
        expect_raises(ValueError, sol.combine_additive_masks, *args, match=rf"\b{which}\b")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_combine_shape_mismatch(sol):
    """Shapes that do not broadcast raise ValueError."""
    expect_raises(ValueError, sol.combine_additive_masks, np.zeros((3, 4)), np.zeros((2, 4)), match="broadcast")
