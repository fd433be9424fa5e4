"""Hidden tests for clm_labels. Expected values come from loops over the definition, never the reference."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def labels_by_loop(ids, mask):
    out = np.empty(ids.shape, dtype=np.int64)
    for b in range(ids.shape[0]):
        for t in range(ids.shape[1]):
            out[b, t] = int(ids[b, t]) if mask[b, t] else -100
    return out


def shift_by_loop(labels):
    B, T = labels.shape
    out = np.empty((B, T), dtype=np.int64)
    for b in range(B):
        for t in range(T):
            out[b, t] = int(labels[b, t + 1]) if t + 1 < T else -100
    return out


def right_padded(rng, B, T, vocab, pad_id):
    lengths = rng.integers(0, T + 1, size=B)
    ids = rng.integers(0, vocab, size=(B, T)).astype(np.int64)
    mask = np.zeros((B, T), dtype=np.int64)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1
        ids[b, n:] = pad_id
    return ids, mask


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_real_eos_keeps_label(sol):
    """A real token whose id equals the pad id keeps its label (decided by attention_mask, not by id)."""
    ids = np.array([[3, 0, 4, 0, 0], [0, 9, 0, 0, 0]], dtype=np.int64)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], dtype=np.int64)
    expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                 name="clm_labels with pad id == real id")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_left_padding(sol):
    """Left-padded rows: -100 on the leading padding, ids kept elsewhere."""
    ids = np.array([[50256, 50256, 11, 12], [21, 22, 23, 50256]], dtype=np.int64)
    mask = np.array([[0, 0, 1, 1], [1, 1, 1, 1]], dtype=np.int64)
    expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                 name="clm_labels of a left-padded batch")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_random_batches(sol):
    """Random right-padded batches match a loop over the definition."""
    rng = np.random.default_rng(301)
    for B, T in [(1, 1), (3, 8), (8, 33), (16, 64)]:
        ids, mask = right_padded(rng, B, T, 50, pad_id=0)
        expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                     name=f"clm_labels of a ({B}, {T}) batch")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bool_mask(sol):
    """A bool attention_mask works like a 0/1 one."""
    ids = np.array([[4, 5, 6], [7, 8, 9]], dtype=np.int64)
    mask = np.array([[True, True, False], [True, False, False]])
    expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                 name="clm_labels with a bool mask")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_int32_inputs_give_int64(sol):
    """int32 input_ids and attention_mask still give int64 labels."""
    ids = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32)
    mask = np.array([[1, 1, 0], [1, 1, 1]], dtype=np.int32)
    expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                 name="clm_labels of int32 inputs")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_padding_row(sol):
    """A row that is all padding gets -100 everywhere."""
    ids = np.array([[0, 0, 0], [1, 2, 3]], dtype=np.int64)
    mask = np.array([[0, 0, 0], [1, 1, 1]], dtype=np.int64)
    expect_array(sol.clm_labels(ids, mask), labels_by_loop(ids, mask),
                 name="clm_labels with an all-padding row")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batches(sol):
    """B == 0 and T == 0 give empty int64 arrays of the same shape."""
    for shape in [(0, 5), (3, 0)]:
        ids = np.zeros(shape, dtype=np.int64)
        expect_array(sol.clm_labels(ids, np.ones(shape, dtype=np.int64)), np.zeros(shape, dtype=np.int64),
                     name=f"clm_labels of shape {shape}")
        expect_array(sol.shift_labels(ids), np.zeros(shape, dtype=np.int64),
                     name=f"shift_labels of shape {shape}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_random(sol):
    """shift_labels matches a loop (target of t is label t + 1, last -100) on random labels."""
    rng = np.random.default_rng(3011)
    for B, T in [(1, 2), (4, 9), (7, 40)]:
        labels = rng.integers(-1, 30, size=(B, T)).astype(np.int64)
        labels[labels == -1] = -100
        expect_array(sol.shift_labels(labels), shift_by_loop(labels),
                     name=f"shift_labels of a ({B}, {T}) array")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_shift_int32(sol):
    """shift_labels of int32 labels returns int64."""
    labels = np.array([[1, 2, 3, -100]], dtype=np.int32)
    expect_array(sol.shift_labels(labels), shift_by_loop(labels), name="shift_labels of int32 labels")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_pipeline(sol):
    """shift_labels(clm_labels(...)) on a padded batch: no position is trained to predict padding."""
    rng = np.random.default_rng(3012)
    ids, mask = right_padded(rng, 6, 12, 20, pad_id=0)
    got = sol.shift_labels(sol.clm_labels(ids, mask))
    expect_array(got, shift_by_loop(labels_by_loop(ids, mask)), name="shift_labels(clm_labels(ids, mask))")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_errors(sol):
    """Invalid arguments raise ValueError naming the argument."""
    expect_raises(ValueError, sol.clm_labels, np.arange(4), np.ones(4, dtype=np.int64), match="input_ids")
    ids = np.zeros((2, 3), dtype=np.int64)
    expect_raises(ValueError, sol.clm_labels, ids, np.ones((3, 2), dtype=np.int64), match="attention_mask")
    expect_raises(ValueError, sol.shift_labels, np.arange(5), match="labels")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", [2, -1], ids=cases())
def test_mask_value_errors(sol, bad):
    """An attention_mask value other than 0 and 1 (above 1 or negative) raises ValueError naming attention_mask."""
    ids = np.zeros((2, 3), dtype=np.int64)
    mask = np.array([[1, bad, 0], [1, 1, 1]], dtype=np.int64)
    expect_raises(ValueError, sol.clm_labels, ids, mask, match="attention_mask")
