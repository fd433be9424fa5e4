"""Hidden tests for masked_softmax. Expected values come from a loop over the definition (math.exp per entry),
not from the reference."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_raises
from judge.checkers.case_ids import cases

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight
F32 = {"rtol": 1e-4, "atol": 1e-6}   # float32 results
F16 = {"rtol": 1e-2, "atol": 1e-3}   # float16 results (about 3 significant digits)


def by_definition(scores, allowed, axis=-1):
    """Softmax over allowed entries, one row at a time, in Python floats; blocked entries and empty rows are 0."""
    scores = np.asarray(scores)
    allowed = np.broadcast_to(np.asarray(allowed), scores.shape)
    s = np.moveaxis(scores.astype(np.float64), axis, -1)
    a = np.moveaxis(allowed, axis, -1)
    out = np.zeros(s.shape)
    for idx in np.ndindex(*s.shape[:-1]):
        keep = [j for j in range(s.shape[-1]) if a[idx + (j,)]]
        if not keep:
            continue
        top = max(float(s[idx + (j,)]) for j in keep)
        weights = {j: math.exp(float(s[idx + (j,)]) - top) for j in keep}
        total = sum(weights.values())
        for j in keep:
            out[idx + (j,)] = weights[j] / total
    return np.moveaxis(out, -1, axis).astype(scores.dtype)


def random_case(seed, shape, p_allowed=0.6, magnitude=5.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    scores = (rng.uniform(-magnitude, magnitude, size=shape)).astype(dtype)
    allowed = rng.random(shape) < p_allowed
    return scores, allowed


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_entry(sol):
    """One allowed entry gets weight exactly 1."""
    expect_allclose(sol.masked_softmax(np.array([[3.5]]), np.array([[True]])), np.array([[1.0]]), **F64,
                    name="masked_softmax of a 1x1 input")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_one_dimensional(sol):
    """A 1-D score vector with the default axis."""
    scores = np.array([0.3, -1.2, 2.5, 0.0, 1.0])
    allowed = np.array([True, False, True, True, False])
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F64,
                    name="masked_softmax of a 1-D vector")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("shape", [(6, 7), (3, 5, 9), (2, 3, 4, 8)], ids=cases())
def test_random_matches_definition(sol, shape):
    """Random float64 scores and masks (some rows fully blocked) match the definition."""
    scores, allowed = random_case(sum(shape), shape, p_allowed=0.5)
    allowed[(0,) * (len(shape) - 1)] = False  # at least one fully blocked row
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F64,
                    name=f"masked_softmax of random scores {shape}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("axis", [0, 1, -2, -3], ids=cases())
def test_other_axes(sol, axis):
    """The softmax runs along the requested axis, not always the last one (one slice along it fully blocked)."""
    scores, allowed = random_case(7, (4, 5, 6))
    blocked = [1, 2, 3]
    blocked[axis] = slice(None)
    allowed[tuple(blocked)] = False  # a slice along `axis` with nothing allowed: zeros, not NaN
    expect_allclose(sol.masked_softmax(scores, allowed, axis=axis), by_definition(scores, allowed, axis), **F64,
                    name=f"masked_softmax(..., axis={axis}) of shape (4, 5, 6)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("mask_shape", [(5,), (4, 5), (1, 4, 5), (3, 1, 1, 5)], ids=cases())
def test_broadcast_masks(sol, mask_shape):
    """A key-padding (Lk,) or causal (Lq, Lk) mask broadcasts over (B, H, Lq, Lk) scores."""
    rng = np.random.default_rng(11)
    scores = rng.normal(size=(3, 2, 4, 5)) * 3
    allowed = rng.random(mask_shape) < 0.6
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F64,
                    name=f"masked_softmax with a mask of shape {mask_shape}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_causal_mask_rows(sol):
    """With a causal mask, row i spreads its weight over keys 0..i only."""
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(2, 6, 6))
    allowed = np.tril(np.ones((6, 6), dtype=bool))
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F64,
                    name="masked_softmax with a causal (6, 6) mask")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_blocked_values_ignored(sol):
    """Blocked entries holding +inf, -inf, nan or huge values do not change the result."""
    scores = np.array([
        [np.inf, 0.5, 1.5, np.nan],
        [1e300, -2.0, np.nan, 0.0],
        [np.nan, np.nan, np.nan, np.nan],
        [-np.inf, 2.0, 1e4, 3.0],
    ])
    allowed = np.array([
        [False, True, True, False],
        [False, True, False, True],
        [False, False, False, False],
        [False, True, False, True],
    ])
    clean = np.where(allowed, scores, 0.0)
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(clean, allowed), **F64,
                    name="masked_softmax with inf/nan at blocked positions")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_blocked_scores_dominate(sol):
    """Allowed scores far below the blocked ones (e.g. -3e4 vs +1e4) still get all the weight."""
    scores = np.array([
        [1e4, -3e4, -3e4 + 1.0, 1e4],
        [0.0, -2e4, -2e4 - np.log(3.0), 5e4],
        [-1e5, 1e5, -1e5 + np.log(2.0), 0.0],
    ])
    allowed = np.array([
        [False, True, True, False],
        [False, True, True, False],
        [True, False, True, False],
    ])
    expected = by_definition(np.where(allowed, scores, 0.0), allowed)
    expect_allclose(sol.masked_softmax(scores, allowed), expected, **F64,
                    name="masked_softmax with large blocked scores")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_magnitude_random(sol):
    """Random scores of magnitude up to 1e5 (float64): no overflow, no NaN."""
    scores, allowed = random_case(21, (8, 12), magnitude=1e5)
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F64,
                    name="masked_softmax of scores up to 1e5")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_blocked_exactly_zero(sol):
    """Blocked entries are exactly 0.0, not merely tiny."""
    scores, allowed = random_case(5, (10, 10), magnitude=2.0)
    got = sol.masked_softmax(scores, allowed)
    expect_allclose(got, by_definition(scores, allowed), **F64, name="masked_softmax of (10, 10)")
    expect_array(np.where(allowed, 0.0, got), np.zeros((10, 10)), name="blocked entries of masked_softmax")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_rows_sum_to_one(sol):
    """Every row with an allowed entry sums to 1; fully blocked rows sum to 0."""
    scores, allowed = random_case(9, (200, 33), p_allowed=0.1, magnitude=50.0)
    got = sol.masked_softmax(scores, allowed)
    expect_allclose(got, by_definition(scores, allowed), **F64, name="masked_softmax of (200, 33)")
    expected_sums = allowed.any(axis=-1).astype(np.float64)
    expect_allclose(got.sum(axis=-1), expected_sums, **F64, name="row sums of masked_softmax")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_float32_kept(sol):
    """float32 scores give a float32 result within rtol 1e-4, magnitudes up to 1e4."""
    scores, allowed = random_case(13, (5, 6, 7), magnitude=1e4, dtype=np.float32)
    allowed[0, 0] = False
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F32,
                    name="masked_softmax of float32 scores")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_small_scores(sol):
    """float32 scores of ordinary size, with a causal mask: dtype and values."""
    rng = np.random.default_rng(17)
    scores = rng.normal(size=(4, 8, 8)).astype(np.float32)
    allowed = np.tril(np.ones((8, 8), dtype=bool))
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F32,
                    name="masked_softmax of float32 (4, 8, 8)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float16_kept(sol):
    """float16 scores are accepted and give a float16 result (rtol 1e-2, atol 1e-3), fully blocked row included."""
    rng = np.random.default_rng(19)
    scores = rng.normal(size=(3, 6, 8)).astype(np.float16) * np.float16(3)
    allowed = rng.random((6, 8)) < 0.6
    allowed[2] = False
    expect_allclose(sol.masked_softmax(scores, allowed), by_definition(scores, allowed), **F16,
                    name="masked_softmax of float16 (3, 6, 8)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(0, 4), (3, 0), (2, 0, 5)], ids=cases())
def test_empty(sol, shape):
    """Zero-size inputs give an empty array of the same shape and dtype."""
    got = sol.masked_softmax(np.zeros(shape), np.zeros(shape, dtype=bool))
    expect_allclose(got, np.zeros(shape), **F64, name=f"masked_softmax of shape {shape}")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_input(sol):
    """A (16, 256, 256) input with a causal mask is correct and fast."""
    rng = np.random.default_rng(99)
    scores = rng.normal(size=(16, 256, 256)) * 4
    allowed = np.tril(np.ones((256, 256), dtype=bool))
    got = sol.masked_softmax(scores, allowed)
    # Independent vectorized form: the causal triangle, row by row (a loop over 4096 rows would be slow).
    expected = np.zeros_like(scores)
    for i in range(256):
        row = scores[:, i, : i + 1]
        e = np.exp(row - row.max(axis=-1, keepdims=True))
        expected[:, i, : i + 1] = e / e.sum(axis=-1, keepdims=True)
    expect_allclose(got, expected, **F64, name="masked_softmax of (16, 256, 256)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", ["int", "float"], ids=cases())
def test_non_bool_mask_raises(sol, bad):
    """An int mask or an additive float mask raises ValueError naming allowed."""
    mask = np.ones((2, 3), dtype=np.int64) if bad == "int" else np.zeros((2, 3))
    expect_raises(ValueError, sol.masked_softmax, np.zeros((2, 3)), mask, match="allowed")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_int_scores_raise(sol):
    """Integer scores raise ValueError naming scores."""
    expect_raises(ValueError, sol.masked_softmax, np.zeros((2, 3), dtype=np.int64), np.ones((2, 3), dtype=bool),
                  match="scores")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("mask_shape", [(4,), (2, 2, 3), (3, 3)], ids=cases())
def test_bad_mask_shape_raises(sol, mask_shape):
    """A mask that does not broadcast to exactly scores.shape raises ValueError naming allowed."""
    expect_raises(ValueError, sol.masked_softmax, np.zeros((2, 3)), np.ones(mask_shape, dtype=bool),
                  match="allowed")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("axis", [2, -3], ids=cases())
def test_bad_axis_raises(sol, axis):
    """An axis out of range raises ValueError naming axis."""
    expect_raises(ValueError, sol.masked_softmax, np.zeros((2, 3)), np.ones((2, 3), dtype=bool), axis=axis,
                  match="axis")
