"""Hidden tests for left_pad_batch. Expected values come from a loop over the definition written here."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence


def pad_by_loop(seqs, pad_id):
    seqs = [[int(t) for t in s] for s in seqs]
    width = 0
    for s in seqs:
        width = max(width, len(s))
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    pos = np.zeros((len(seqs), width), dtype=np.int64)
    for b, s in enumerate(seqs):
        pad = width - len(s)
        for c in range(width):
            if c < pad:
                ids[b, c] = pad_id
            else:
                ids[b, c], mask[b, c], pos[b, c] = s[c - pad], 1, c - pad
    return ids, mask, pos


def check(got, seqs, pad_id, what):
    got = expect_sequence(got, 3, name=what)
    for g, e, part in zip(got, pad_by_loop(seqs, pad_id), ("input_ids", "attention_mask", "position_ids"),
                          strict=True):
        expect_array(g, e, name=f"{part} of {what}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_positions_ignore_padding(sol):
    """position_ids count real tokens from 0 (not column indices) and are 0 on padding."""
    seqs = [[7], [8, 9, 10, 11, 12], [13, 14]]
    check(sol.left_pad_batch(seqs, 0), seqs, 0, "left_pad_batch of three prompts")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_real_tokens_equal_to_pad(sol):
    """Real tokens equal to pad_id (anywhere in the sequence) have mask 1 and their own positions."""
    seqs = [[0, 5, 0], [0], [6, 0, 0, 7]]
    check(sol.left_pad_batch(seqs, 0), seqs, 0, "left_pad_batch with real tokens equal to pad_id")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_sequences(sol):
    """Empty sequences give all-padding rows; all-empty input gives shape (B, 0)."""
    seqs = [[], [1, 2], []]
    check(sol.left_pad_batch(seqs, 9), seqs, 9, "left_pad_batch with empty sequences")
    check(sol.left_pad_batch([[], []], 9), [[], []], 9, "left_pad_batch([[], []], 9)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_sequence(sol):
    """One sequence: no padding, positions 0..n-1."""
    check(sol.left_pad_batch([[4, 5, 6, 7]], 1), [[4, 5, 6, 7]], 1, "left_pad_batch([[4, 5, 6, 7]], 1)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_array_sequences(sol):
    """int32 / uint16 array sequences in a tuple give int64 outputs."""
    seqs = (np.array([1, 2, 3], dtype=np.int32), np.array([60000], dtype=np.uint16), np.arange(5))
    check(sol.left_pad_batch(seqs, 2), seqs, 2, "left_pad_batch of array sequences")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_random_batches(sol):
    """Random batches (including empty sequences) match the loop."""
    rng = np.random.default_rng(306)
    for _ in range(6):
        seqs = [rng.integers(0, 8, size=int(rng.integers(0, 20))).tolist() for _ in range(int(rng.integers(1, 12)))]
        pad_id = int(rng.integers(0, 3))
        check(sol.left_pad_batch(seqs, pad_id), seqs, pad_id, f"left_pad_batch(random batch, {pad_id})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_batch(sol):
    """A batch of 256 prompts up to 512 tokens is exact and fast."""
    rng = np.random.default_rng(3061)
    seqs = [rng.integers(0, 50000, size=int(n)) for n in rng.integers(0, 513, size=256)]
    check(sol.left_pad_batch(seqs, 50256), seqs, 50256, "left_pad_batch(256 prompts, 50256)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_no_sequences(sol):
    """No sequences at all (an empty list or tuple): three int64 arrays of shape (0, 0)."""
    for seqs in ([], ()):
        got = expect_sequence(sol.left_pad_batch(seqs, 7), 3, name=f"left_pad_batch({seqs!r}, 7)")
        for g, part in zip(got, ("input_ids", "attention_mask", "position_ids"), strict=True):
            expect_array(g, np.zeros((0, 0), dtype=np.int64), name=f"{part} of left_pad_batch({seqs!r}, 7)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_not_1d_raises(sol):
    """A 2-D sequence raises ValueError naming seqs."""
    expect_raises(ValueError, sol.left_pad_batch, [np.array([1, 2]), np.zeros((2, 2), dtype=np.int64)], 0,
                  match="seqs")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_scalar_sequence_raises(sol):
    """A scalar (0-D) where a sequence is expected raises ValueError naming seqs."""
    expect_raises(ValueError, sol.left_pad_batch, [[1, 2], 3], 0, match="seqs")
