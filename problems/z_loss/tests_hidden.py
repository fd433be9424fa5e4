"""Hidden tests for z_loss. Expected values: a loop over the masked-in positions in Python floats."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises
from judge.checkers.case_ids import cases

TOL = {"rtol": 1e-9, "atol": 1e-15}


def log_z(row):
    values = [float(v) for v in row if v != -math.inf]
    m = max(values)
    return m + math.log(math.fsum(math.exp(v - m) for v in values))


def by_definition(logits, mask, coefficient=1e-4):
    logits = np.asarray(logits, dtype=np.float64)
    squares = [log_z(logits[index]) ** 2 for index in np.ndindex(*mask.shape) if mask[index]]
    return coefficient * math.fsum(squares) / len(squares) if squares else 0.0


def case(seed, shape, vocab, scale=3.0, share=0.6, shift=0.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(shift, scale, size=shape + (vocab,))
    mask = rng.random(shape) < share
    return logits, mask


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,shape,vocab", [(1, (4, 9), 7), (2, (12,), 5), (3, (2, 3, 4), 6)],
                         ids=cases())
def test_random_inputs(sol, seed, shape, vocab):
    """Random logits and masks: coefficient * mean of log Z squared over the masked-in positions."""
    logits, mask = case(seed, shape, vocab, shift=4.0)
    expect_float(sol.z_loss(logits, mask), by_definition(logits, mask), name=f"z_loss for logits {logits.shape}",
                 **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_mean_over_masked_in_only(sol):
    """The mean divides by the masked-in count (3 of 20), not by every position."""
    logits, _ = case(4, (4, 5), 8, shift=2.0)
    mask = np.zeros((4, 5), dtype=bool)
    mask[0, 1] = mask[2, 4] = mask[3, 0] = True
    expect_float(sol.z_loss(logits, mask, coefficient=0.5), by_definition(logits, mask, 0.5),
                 name="z_loss with 3 of 20 positions masked in", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_square_then_mean(sol):
    """log Z of opposite signs: the mean of the squares, not the square of the mean."""
    logits = np.array([[5.0, 5.0, 5.0], [-5.0, -5.0, -5.0], [0.0, 1.0, 2.0]])
    mask = np.array([True, True, True])
    expect_float(sol.z_loss(logits, mask, coefficient=1.0), by_definition(logits, mask, 1.0),
                 name="z_loss with log Z of both signs", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_garbage_in_masked_out_positions(sol):
    """nan, -inf, +inf and 1e308 at masked-out positions are ignored."""
    logits, _ = case(5, (2, 4), 5)
    mask = np.array([[True, False, True, False], [False, True, False, False]])
    logits[0, 1] = np.nan
    logits[0, 3] = -np.inf
    logits[1, 0] = np.inf
    logits[1, 2] = 1e308
    logits[1, 3, 2] = np.nan
    expected = by_definition(np.where(mask[..., None], logits, 0.0), mask)
    expect_float(sol.z_loss(logits, mask), expected, name="z_loss with garbage padding rows", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Positive and negative logits of magnitude 1e4."""
    logits = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, -1e4, -1e4 + 0.5], [9e3, -9e3, 0.0]])
    mask = np.array([True, True, True])
    expect_float(sol.z_loss(logits, mask), by_definition(logits, mask), name="z_loss of logits of magnitude 1e4",
                 **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_negative_infinity_entries(sol):
    """-inf logits at masked-in positions add nothing to Z."""
    logits = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, 3.0]])
    mask = np.array([True, True])
    expect_float(sol.z_loss(logits, mask, coefficient=2.0), by_definition(logits, mask, 2.0),
                 name="z_loss with -inf logits", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_and_all_masked_out(sol):
    """An empty batch, or every position masked out: 0.0."""
    expect_float(sol.z_loss(np.zeros((0, 4)), np.zeros(0, dtype=bool)), 0.0, rtol=0, atol=0,
                 name="z_loss of an empty batch")
    logits = np.full((2, 3, 4), np.nan)
    expect_float(sol.z_loss(logits, np.zeros((2, 3), dtype=bool)), 0.0, rtol=0, atol=0,
                 name="z_loss with every position masked out")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_row(sol):
    """1-D logits (V,) with a 0-d mask: one position."""
    logits = np.array([1.0, 2.0, 3.0])
    expect_float(sol.z_loss(logits, np.array(True), coefficient=1.0),
                 by_definition(logits[None], np.array([True]), 1.0), name="z_loss of one position", **TOL)
    expect_float(sol.z_loss(logits, np.array(False)), 0.0, rtol=0, atol=0, name="z_loss of one masked-out position")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("coefficient", [0.0, 1e-4, 3.0], ids=cases())
def test_coefficient(sol, coefficient):
    """The result scales with the coefficient (0 gives 0.0)."""
    logits, mask = case(6, (3, 5), 4, shift=1.0)
    expect_float(sol.z_loss(logits, mask, coefficient=coefficient), by_definition(logits, mask, coefficient),
                 name=f"z_loss(coefficient={coefficient})", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits: computed in float64, returned as a float."""
    logits, mask = case(7, (4, 6), 9, shift=10.0)
    logits32 = logits.astype(np.float32)
    expect_float(sol.z_loss(logits32, mask), by_definition(logits32, mask), rtol=1e-6, atol=1e-12,
                 name="z_loss of float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_batch(sol):
    """An (8, 128, 256) batch with half the positions masked in."""
    logits, mask = case(8, (8, 128), 256, scale=5.0, share=0.5, shift=-3.0)
    expect_float(sol.z_loss(logits, mask), by_definition(logits, mask), name="z_loss of an (8, 128, 256) batch",
                 **TOL)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_mask(sol):
    """A non-bool mask, or a mask of the wrong shape, raises ValueError naming mask."""
    logits, mask = case(9, (2, 3), 4)
    expect_raises(ValueError, sol.z_loss, logits, mask.astype(np.int64), match="mask")
    expect_raises(ValueError, sol.z_loss, logits, mask.astype(np.float64), match="mask")
    expect_raises(ValueError, sol.z_loss, logits, mask[:, :2], match="mask")
    expect_raises(ValueError, sol.z_loss, logits, mask.T.copy(), match="mask")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_coefficient(sol):
    """A negative coefficient raises ValueError naming coefficient."""
    logits, mask = case(10, (2,), 4)
    expect_raises(ValueError, sol.z_loss, logits, mask, coefficient=-1e-4, match="coefficient")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_logits(sol):
    """Logits with V = 0, or 0-d logits, raise ValueError naming logits."""
    expect_raises(ValueError, sol.z_loss, np.zeros((3, 0)), np.ones(3, dtype=bool), match="logits")
    expect_raises(ValueError, sol.z_loss, np.array(1.0), np.array(True), match="logits")
