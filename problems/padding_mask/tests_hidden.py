"""Hidden tests for padding_mask. Expected values come from loops over the definitions, not the reference."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def pad_by_definition(lengths, max_len, side):
    out = np.zeros((len(lengths), max_len), dtype=bool)
    for b, n in enumerate(lengths):
        for t in range(max_len):
            out[b, t] = t < n if side == "right" else t >= max_len - n
    return out


def bias_by_definition(mask, causal):
    bsz, t = mask.shape
    out = np.zeros((bsz, 1, t, t), dtype=bool)
    for b in range(bsz):
        for i in range(t):
            for j in range(t):
                out[b, 0, i, j] = bool(mask[b, j] == 1) and (not causal or j <= i)
    return out


def random_lengths(seed, bsz, max_len):
    gen = np.random.default_rng(seed)
    lengths = gen.integers(0, max_len + 1, size=bsz)
    lengths[0] = max_len  # always one full row
    if bsz > 1:
        lengths[1] = 0  # and one empty row
    return lengths.astype(np.int64)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("side", ["right", "left"], ids=cases())
@pytest.mark.parametrize("seed,bsz,max_len", [(1, 5, 7), (2, 9, 16), (3, 2, 1)], ids=cases())
def test_matches_definition(sol, side, seed, bsz, max_len):
    """padding_mask matches the definition for random lengths, full rows and empty rows, both sides."""
    lengths = random_lengths(seed, bsz, max_len)
    expect_array(sol.padding_mask(lengths, max_len, side=side), pad_by_definition(lengths, max_len, side),
                 name=f"padding_mask(lengths, {max_len}, side={side!r})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_default_side_is_right(sol):
    """Without side, padding goes on the right."""
    lengths = np.array([2, 5, 0, 3])
    expect_array(sol.padding_mask(lengths, 5), pad_by_definition(lengths, 5, "right"),
                 name="padding_mask(lengths, 5)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("kind", ["list", "tuple", "int32"], ids=cases())
def test_lengths_types(sol, kind):
    """lengths may be a list, a tuple or an int32 array; the result is still bool."""
    values = [4, 0, 6, 1]
    lengths = {"list": values, "tuple": tuple(values), "int32": np.array(values, dtype=np.int32)}[kind]
    expect_array(sol.padding_mask(lengths, 6, side="left"), pad_by_definition(values, 6, "left"),
                 name=f"padding_mask({kind} lengths, 6, side='left')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("side", ["right", "left"], ids=cases())
def test_empty_batch(sol, side):
    """B == 0 gives a (0, max_len) bool array."""
    expect_array(sol.padding_mask(np.zeros(0, dtype=np.int64), 5, side=side), np.zeros((0, 5), dtype=bool),
                 name=f"padding_mask([], 5, side={side!r})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_max_len(sol):
    """max_len == 0 with zero lengths gives a (B, 0) bool array."""
    expect_array(sol.padding_mask([0, 0, 0], 0), np.zeros((3, 0), dtype=bool),
                 name="padding_mask([0, 0, 0], 0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_left_is_mirror_of_right(sol):
    """The left-padded mask is the right-padded mask reversed along the row."""
    lengths = random_lengths(11, 30, 40)
    right = sol.padding_mask(lengths, 40, side="right")
    left = sol.padding_mask(lengths, 40, side="left")
    expect_array(right, pad_by_definition(lengths, 40, "right"),
                 name="padding_mask(lengths, 40, side='right')")
    expect_array(left, right[:, ::-1].copy(), name="padding_mask(lengths, 40, side='left')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A large batch (256 rows of up to 1024 tokens) is exact and fast."""
    lengths = random_lengths(5, 256, 1024)
    positions = np.arange(1024)[None, :]
    expect_array(sol.padding_mask(lengths, 1024), positions < lengths[:, None],
                 name="padding_mask(lengths, 1024)")
    expect_array(sol.padding_mask(lengths, 1024, side="left"), positions >= 1024 - lengths[:, None],
                 name="padding_mask(lengths, 1024, side='left')")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("lengths,max_len,match", [
    ([2, -1], 4, "lengths"),
    ([2, 5], 4, "lengths"),
    ([1], 0, "lengths"),
    ([[1, 2]], 4, "lengths"),
    ([1, 2], -1, "max_len"),
    (np.zeros(0, dtype=np.int64), -1, "max_len"),
    (np.zeros(0, dtype=np.int64), -3, "max_len"),
], ids=cases())
def test_invalid_lengths(sol, lengths, max_len, match):
    """Negative or too-long lengths, 2-D lengths and a negative max_len (even with no rows) raise ValueError."""
    expect_raises(ValueError, sol.padding_mask, lengths, max_len, match=match)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("side", ["center", "LEFT", "", "l"], ids=cases())
def test_invalid_side(sol, side):
    """An unknown side raises ValueError naming side."""
    expect_raises(ValueError, sol.padding_mask, [1, 2], 3, side=side, match="side")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("causal", [False, True], ids=cases())
@pytest.mark.parametrize("seed,bsz,t", [(21, 3, 6), (22, 6, 9), (23, 1, 1)], ids=cases())
def test_bias_matches_definition(sol, causal, seed, bsz, t):
    """attention_bias matches the definition on random 0/1 masks (holes included), causal or not."""
    mask = np.random.default_rng(seed).integers(0, 2, size=(bsz, t))
    expect_array(sol.attention_bias(mask, causal), bias_by_definition(mask, causal),
                 name=f"attention_bias(mask of shape {mask.shape}, causal={causal})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", [bool, np.int32, np.int8], ids=cases())
def test_bias_mask_dtypes(sol, dtype):
    """attention_mask may be bool or any integer dtype; the result is bool."""
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]]).astype(dtype)
    expect_array(sol.attention_bias(mask, True), bias_by_definition(mask.astype(np.int64), True),
                 name=f"attention_bias({np.dtype(dtype).name} mask, causal=True)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bias_pad_queries_not_blanked(sol):
    """A padding query row still attends to the real keys (only keys are masked)."""
    mask = np.array([[1, 1, 1, 0, 0]])
    got = sol.attention_bias(mask, False)
    expect_array(got, np.broadcast_to(mask.astype(bool)[:, None, None, :], (1, 1, 5, 5)).copy(),
                 name="attention_bias([[1, 1, 1, 0, 0]], causal=False)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bias_agrees_with_padding_mask(sol):
    """attention_bias(padding_mask(lengths, T, 'left'), True) keeps a causal pattern among real tokens."""
    lengths = np.array([4, 1, 6, 0])
    pad = sol.padding_mask(lengths, 6, side="left")
    expect_array(pad, pad_by_definition(lengths, 6, "left"),
                 name="padding_mask([4, 1, 6, 0], 6, side='left')")
    expect_array(sol.attention_bias(pad, True), bias_by_definition(pad.astype(np.int64), True),
                 name="attention_bias(left-padded mask, causal=True)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(2, 0), (0, 4)], ids=cases())
def test_bias_empty(sol, shape):
    """T == 0 gives (B, 1, 0, 0); B == 0 gives (0, 1, T, T)."""
    b, t = shape
    expect_array(sol.attention_bias(np.zeros(shape, dtype=np.int64), True),
                 np.zeros((b, 1, t, t), dtype=bool),
                 name=f"attention_bias(zeros{shape}, causal=True)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_bias_large(sol):
    """A batch of 8 sequences of 256 tokens is exact and fast."""
    lengths = random_lengths(31, 8, 256)
    mask = (np.arange(256)[None, :] < lengths[:, None]).astype(np.int64)
    expected = mask.astype(bool)[:, None, None, :] & np.tril(np.ones((256, 256), dtype=bool))[None, None]
    expect_array(sol.attention_bias(mask, True), expected,
                 name="attention_bias(mask of shape (8, 256), causal=True)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("mask", [
    np.array([1, 1, 0]),
    np.ones((2, 1, 3), dtype=np.int64),
    np.array([[1, 2, 0]]),
    np.array([[1, -1, 0]]),
], ids=cases())
def test_bias_invalid(sol, mask):
    """A mask that is not 2-D, or holds values other than 0 and 1, raises ValueError naming attention_mask."""
    expect_raises(ValueError, sol.attention_bias, mask, False, match="attention_mask")
