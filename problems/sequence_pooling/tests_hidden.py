"""Hidden tests of sequence_pooling. Expected values come from a loop over the definition, not the reference."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises
from judge.checkers.case_ids import cases

METHODS = ("first", "mean", "last")
STYLES = ("right", "left", "none", "both")


def by_definition(hidden, mask, method):
    """One row at a time, as the statement defines each method (float64 throughout)."""
    hidden = np.asarray(hidden, dtype=np.float64)
    out = np.zeros((hidden.shape[0], hidden.shape[2]))
    for b in range(hidden.shape[0]):
        real = [t for t in range(hidden.shape[1]) if mask[b, t]]
        if method == "first":
            out[b] = hidden[b, 0]
        elif method == "mean":
            for t in real:
                out[b] += hidden[b, t]
            out[b] /= max(len(real), 1)
        else:
            out[b] = hidden[b, real[-1] if real else 0]
    return out


def random_mask(rng, batch, length, style):
    """Masks of one padding style; every row keeps at least one real token."""
    mask = np.zeros((batch, length), dtype=np.int64)
    for b in range(batch):
        n = int(rng.integers(1, length + 1))
        if style == "right":
            mask[b, :n] = 1
        elif style == "left":
            mask[b, length - n:] = 1
        elif style == "none":
            mask[b] = 1
        else:  # both sides
            start = int(rng.integers(0, length - n + 1))
            mask[b, start:start + n] = 1
    return mask


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("style", STYLES, ids=cases())
@pytest.mark.parametrize("method", METHODS, ids=cases())
def test_random_batches(sol, method, style):
    """Random hidden states under right, left, no and two-sided padding match the definition."""
    rng = np.random.default_rng(10 * METHODS.index(method) + STYLES.index(style))
    hidden = rng.normal(size=(9, 7, 5))
    mask = random_mask(rng, 9, 7, style)
    expect_allclose(sol.sequence_pooling(hidden, mask, method), by_definition(hidden, mask, method),
                    rtol=1e-12, atol=1e-15, name="sequence_pooling of a random batch")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_left_padded_batch_last(sol):
    """A left-padded batch (Hugging Face's generation padding) pools each row's final position."""
    rng = np.random.default_rng(3)
    hidden = rng.normal(size=(6, 8, 3))
    mask = random_mask(rng, 6, 8, "left")
    mask[0] = [0, 0, 0, 0, 0, 1, 1, 1]
    expect_allclose(sol.sequence_pooling(hidden, mask, "last"), hidden[:, -1], rtol=1e-12, atol=0,
                    name="sequence_pooling of a left-padded batch, 'last'")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_right_padded_batch_last(sol):
    """A right-padded batch pools each row's last real token, not the last column."""
    rng = np.random.default_rng(4)
    hidden = rng.normal(size=(5, 6, 3))
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0],
                     [1, 1, 0, 0, 0, 0]])
    expected = hidden[np.arange(5), [2, 5, 0, 4, 1]]
    expect_allclose(sol.sequence_pooling(hidden, mask, "last"), expected, rtol=1e-12, atol=0,
                    name="sequence_pooling of a right-padded batch, 'last'")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_padding_on_both_sides_last(sol):
    """Padding on both sides (and a hole) still pools the rightmost real token (PR #35911)."""
    hidden = np.arange(3 * 6 * 2, dtype=np.float64).reshape(3, 6, 2)
    mask = np.array([[0, 1, 1, 1, 0, 0], [0, 0, 1, 0, 1, 0], [1, 0, 1, 1, 1, 1]])
    expected = hidden[np.arange(3), [3, 4, 5]]
    expect_allclose(sol.sequence_pooling(hidden, mask, "last"), expected, rtol=1e-12, atol=0,
                    name="sequence_pooling with padding on both sides, 'last'")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("method", METHODS, ids=cases())
def test_row_without_real_token(sol, method):
    """A row with no real token: 'last' pools position 0, 'mean' gives zeros (no NaN), 'first' position 0."""
    rng = np.random.default_rng(5)
    hidden = rng.normal(size=(3, 5, 4)) + 2.0
    mask = np.array([[0, 0, 0, 0, 0], [0, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=bool)
    expect_allclose(sol.sequence_pooling(hidden, mask, method), by_definition(hidden, mask, method),
                    rtol=1e-12, atol=1e-15, name="sequence_pooling with a row without a real token")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_mean_ignores_padding(sol):
    """The mean is over the real tokens only: padding is neither summed nor counted."""
    hidden = np.zeros((2, 4, 1))
    hidden[:, :, 0] = [[2.0, 4.0, 100.0, 100.0], [-100.0, 1.0, 2.0, 6.0]]
    mask = np.array([[1, 1, 0, 0], [0, 1, 1, 1]])
    expect_allclose(sol.sequence_pooling(hidden, mask, "mean"), np.array([[3.0], [3.0]]), rtol=1e-12, atol=0,
                    name="sequence_pooling(h, m, 'mean') with large padding values")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_first_ignores_mask(sol):
    """'first' is position 0 whatever the mask says, as BERT's pooler takes it."""
    hidden = np.arange(2 * 3 * 2, dtype=np.float64).reshape(2, 3, 2)
    mask = np.array([[0, 1, 1], [1, 1, 0]])
    expect_allclose(sol.sequence_pooling(hidden, mask, "first"), hidden[:, 0], rtol=1e-12, atol=0,
                    name="sequence_pooling(h, m, 'first') with a left-padded row")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("method", METHODS, ids=cases())
def test_float32_computed_in_float64(sol, method):
    """A float32 input gives float64, averaged in float64 (a float32 sum loses the small parts)."""
    rng = np.random.default_rng(6)
    hidden = (rng.normal(size=(4, 300, 3)) + 1e4).astype(np.float32)
    mask = random_mask(rng, 4, 300, "right")
    expect_allclose(sol.sequence_pooling(hidden, mask, method), by_definition(hidden, mask, method),
                    rtol=1e-12, atol=0, name="sequence_pooling of float32 hidden states")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", ["bool", "int32", "uint8"], ids=cases())
def test_mask_dtypes(sol, dtype):
    """bool and other integer masks mean the same as int64 0/1."""
    rng = np.random.default_rng(7)
    hidden = rng.normal(size=(5, 6, 2))
    mask = random_mask(rng, 5, 6, "both")
    for method in METHODS:
        expect_allclose(sol.sequence_pooling(hidden, mask.astype(dtype), method), by_definition(hidden, mask, method),
                        rtol=1e-12, atol=1e-15, name="sequence_pooling with a mask of another dtype")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """B = 0 gives a float64 array of shape (0, D)."""
    for method in METHODS:
        got = sol.sequence_pooling(np.zeros((0, 3, 4)), np.zeros((0, 3), dtype=np.int64), method)
        expect_allclose(got, np.zeros((0, 4)), rtol=0, atol=0, name="sequence_pooling of an empty batch")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["two_dim", "no_positions", "integers"], ids=cases())
def test_bad_hidden_states(sol, case):
    """hidden_states not a float (B, T >= 1, D) array raises ValueError naming hidden_states."""
    hidden, mask = {
        "two_dim": (np.zeros((2, 3)), np.ones((2, 3), dtype=np.int64)),
        "no_positions": (np.zeros((2, 0, 3)), np.ones((2, 0), dtype=np.int64)),
        "integers": (np.zeros((2, 3, 4), dtype=np.int64), np.ones((2, 3), dtype=np.int64)),
    }[case]
    expect_raises(ValueError, sol.sequence_pooling, hidden, mask, "mean", match="hidden_states")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["shape", "value", "floats"], ids=cases())
def test_bad_attention_mask(sol, case):
    """A mask not (B, T), not bool/integer, or not 0/1 raises ValueError naming attention_mask."""
    mask = {
        "shape": np.ones((2, 4), dtype=np.int64),
        "value": np.array([[1, 2, 0], [1, 1, 1]]),
        "floats": np.ones((2, 3)),
    }[case]
    expect_raises(ValueError, sol.sequence_pooling, np.zeros((2, 3, 4)), mask, "last", match="attention_mask")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_method_hidden(sol):
    """A method name in another case raises ValueError naming method."""
    mask = np.ones((1, 2), dtype=np.int64)
    expect_raises(ValueError, sol.sequence_pooling, np.zeros((1, 2, 2)), mask, "Mean", match="method")
