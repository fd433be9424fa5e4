"""Hidden tests for encoder_decoder_inputs. Expected values come from loops over the definitions, not the
reference."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def shift_by_definition(labels, pad, start):
    bsz, t = labels.shape
    out = np.zeros((bsz, t), dtype=np.int64)
    for b in range(bsz):
        for j in range(t):
            value = start if j == 0 else int(labels[b, j - 1])
            out[b, j] = pad if value == -100 else value
    return out


def masks_by_definition(enc, dec):
    bsz, src = enc.shape
    tgt = dec.shape[1]
    encoder = np.zeros((bsz, 1, src, src), dtype=bool)
    decoder = np.zeros((bsz, 1, tgt, tgt), dtype=bool)
    cross = np.zeros((bsz, 1, tgt, src), dtype=bool)
    for b in range(bsz):
        for i in range(src):
            for j in range(src):
                encoder[b, 0, i, j] = enc[b, j] == 1
        for i in range(tgt):
            for j in range(tgt):
                decoder[b, 0, i, j] = dec[b, j] == 1 and j <= i
            for j in range(src):
                cross[b, 0, i, j] = enc[b, j] == 1
    return encoder, decoder, cross


def random_labels(seed, bsz, t, vocab=50):
    """Right-padded labels: each row has a random length, -100 after it, and an eos (1) at its end."""
    gen = np.random.default_rng(seed)
    labels = gen.integers(2, vocab, size=(bsz, t))
    for b, n in enumerate(gen.integers(1, t + 1, size=bsz)):
        labels[b, n - 1] = 1
        labels[b, n:] = -100
    return labels


def check_masks(sol, enc, dec, name):
    got = expect_sequence(sol.seq2seq_masks(enc, dec), 3, name=name)
    expected = masks_by_definition(np.asarray(enc).astype(np.int64), np.asarray(dec).astype(np.int64))
    for which, g, e in zip(("encoder", "decoder", "cross"), got, expected, strict=True):
        expect_array(g, e, name=f"{which} mask of {name}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,bsz,t", [(1, 4, 6), (2, 9, 12), (3, 3, 1), (4, 1, 30)], ids=cases())
def test_shift_matches_definition(sol, seed, bsz, t):
    """Random right-padded labels: start token, labels shifted right, -100 replaced by the pad id."""
    labels = random_labels(seed, bsz, t)
    expect_array(sol.shift_tokens_right(labels, 0, 2), shift_by_definition(labels, 0, 2),
                 name="shift_tokens_right(labels, 0, 2)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_scattered_ignores(sol):
    """-100 anywhere (not only at the end) is replaced; a pad id already in the labels stays."""
    gen = np.random.default_rng(7)
    labels = gen.integers(0, 40, size=(6, 10))
    labels[gen.random((6, 10)) < 0.35] = -100
    labels[0, :] = -100
    expect_array(sol.shift_tokens_right(labels, 3, 5), shift_by_definition(labels, 3, 5),
                 name="shift_tokens_right(labels with scattered -100, 3, 5)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("pad,start", [(0, 0), (1, 0), (7, 99)], ids=cases())
def test_shift_start_and_pad_ids(sol, pad, start):
    """T5 (start = pad = 0) and other id choices; the start token is the given id, never a label."""
    labels = random_labels(11, 5, 7)
    expect_array(sol.shift_tokens_right(labels, pad, start), shift_by_definition(labels, pad, start),
                 name="shift_tokens_right(labels, pad, start)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint8], ids=cases())
def test_shift_dtypes(sol, dtype):
    """Any integer dtype of labels gives an int64 result."""
    labels = np.array([[4, 5, 6], [7, 8, 9]]).astype(dtype)
    expect_array(sol.shift_tokens_right(labels, 0, 1), shift_by_definition(labels, 0, 1),
                 name="shift_tokens_right(labels, 0, 1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_shift_one_column(sol):
    """T = 1: the result is the start token alone, whatever the label."""
    labels = np.array([[9], [-100], [4]])
    expect_array(sol.shift_tokens_right(labels, 0, 2), np.full((3, 1), 2, dtype=np.int64),
                 name="shift_tokens_right(one column, 0, 2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_shift_empty_batch(sol):
    """B = 0 gives an int64 (0, T) array."""
    expect_array(sol.shift_tokens_right(np.zeros((0, 5), dtype=np.int64), 0, 2), np.zeros((0, 5), dtype=np.int64),
                 name="shift_tokens_right(empty batch, 0, 2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_shift_large(sol):
    """512 rows of 256 labels are exact and fast."""
    labels = random_labels(12, 512, 256, vocab=30000)
    expect_array(sol.shift_tokens_right(labels, 1, 0), shift_by_definition(labels, 1, 0),
                 name="shift_tokens_right(512 x 256 labels, 1, 0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("pad,start,match", [
    (None, 2, "pad_token_id"),
    (0, None, "decoder_start_token_id"),
    (None, None, "decoder_start_token_id"),
    (-1, 2, "pad_token_id"),
    (0, -100, "decoder_start_token_id"),
], ids=cases())
def test_shift_bad_ids(sol, pad, start, match):
    """A missing or negative pad or start id raises ValueError naming it (decoder_start_token_id first)."""
    expect_raises(ValueError, sol.shift_tokens_right, np.array([[4, 5]]), pad, start, match=match)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("labels", [
    np.array([4, 5, 6]),
    np.zeros((2, 0), dtype=np.int64),
    np.array([[4.0, 5.0]]),
    np.array([[4, -1]]),
    np.ones((1, 2, 3), dtype=np.int64),
], ids=cases())
def test_shift_bad_labels(sol, labels):
    """Labels not 2-D integer with T >= 1, or with a negative id other than -100, raise ValueError naming labels."""
    expect_raises(ValueError, sol.shift_tokens_right, labels, 0, 2, match="labels")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,bsz,src,tgt", [(21, 3, 6, 4), (22, 5, 3, 8), (23, 2, 5, 5), (24, 1, 1, 1)],
                         ids=cases())
def test_masks_match_definition(sol, seed, bsz, src, tgt):
    """Random 0/1 masks with holes, S and T different or equal: the three masks match the definition."""
    gen = np.random.default_rng(seed)
    check_masks(sol, gen.integers(0, 2, size=(bsz, src)), gen.integers(0, 2, size=(bsz, tgt)), "seq2seq_masks")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_masks_padded_batch(sol):
    """A right-padded source and a right-padded target: decoder padding never enters the cross mask."""
    enc = (np.arange(7)[None, :] < np.array([[7], [3], [5]])).astype(np.int64)
    dec = (np.arange(5)[None, :] < np.array([[2], [5], [4]])).astype(np.int64)
    check_masks(sol, enc, dec, "seq2seq_masks(padded source, padded target)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_masks_from_shifted_labels(sol):
    """The decoder mask of labels != -100 shifted as the decoder inputs: causal, pads hidden as keys only."""
    labels = random_labels(31, 4, 6)
    dec = np.concatenate([np.ones((4, 1), dtype=np.int64), (labels[:, :-1] != -100).astype(np.int64)], axis=1)
    check_masks(sol, np.ones((4, 3), dtype=np.int64), dec, "seq2seq_masks(full source, shifted target)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", [bool, np.int32, np.int8], ids=cases())
def test_masks_dtypes(sol, dtype):
    """Bool or any integer masks; the results are bool."""
    enc = np.array([[1, 1, 0, 1], [0, 1, 1, 1]]).astype(dtype)
    dec = np.array([[1, 1, 0], [1, 0, 0]]).astype(dtype)
    check_masks(sol, enc, dec, "seq2seq_masks")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(2, 0, 3), (2, 4, 0), (0, 3, 2)], ids=cases())
def test_masks_empty(sol, shape):
    """S = 0, T = 0 or B = 0 give the corresponding empty shapes."""
    bsz, src, tgt = shape
    check_masks(sol, np.ones((bsz, src), dtype=np.int64), np.ones((bsz, tgt), dtype=np.int64), "seq2seq_masks")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_masks_large(sol):
    """8 rows, 200 source and 120 target tokens are exact and fast."""
    gen = np.random.default_rng(41)
    enc = (np.arange(200)[None, :] < gen.integers(1, 201, size=(8, 1))).astype(np.int64)
    dec = (np.arange(120)[None, :] < gen.integers(1, 121, size=(8, 1))).astype(np.int64)
    got = expect_sequence(sol.seq2seq_masks(enc, dec), 3, name="seq2seq_masks(8 x 200, 8 x 120)")
    tril = np.tril(np.ones((120, 120), dtype=bool))
    expected = (np.broadcast_to(enc.astype(bool)[:, None, None, :], (8, 1, 200, 200)),
                dec.astype(bool)[:, None, None, :] & tril,
                np.broadcast_to(enc.astype(bool)[:, None, None, :], (8, 1, 120, 200)))
    for which, g, e in zip(("encoder", "decoder", "cross"), got, expected, strict=True):
        expect_array(g, np.ascontiguousarray(e), name=f"{which} mask of seq2seq_masks(8 x 200, 8 x 120)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("enc,dec,match", [
    (np.array([1, 1, 0]), np.ones((1, 2)), "attention_mask"),
    (np.array([[1, 3, 0]]), np.ones((1, 2)), "attention_mask"),
    (np.ones((1, 3)), np.ones((1, 2, 2)), "decoder_attention_mask"),
    (np.ones((1, 3)), np.array([[1, -1]]), "decoder_attention_mask"),
    (np.ones((2, 3)), np.ones((3, 2)), "decoder_attention_mask"),
], ids=cases())
def test_masks_bad(sol, enc, dec, match):
    """A mask not 2-D, holding values other than 0 and 1, or with another batch size raises ValueError naming it."""
    expect_raises(ValueError, sol.seq2seq_masks, enc, dec, match=match)
