"""Hidden tests for t5_span_corruption. Expected outputs come from a token-by-token loop over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def collapse_loop(ids, noise, vocab_size, eos_id):
    out, k, prev = [], 0, False
    for tok, n in zip(ids.tolist(), noise.tolist(), strict=True):
        if n and not prev:
            out.append(vocab_size - 1 - k)
            k += 1
        elif not n:
            out.append(tok)
        prev = n
    return np.array(out + [eos_id], dtype=np.int64)


def check(sol, ids, mask, vocab_size, eos_id=None, name="t5_span_corruption"):
    kwargs = {"vocab_size": vocab_size} if eos_id is None else {"vocab_size": vocab_size, "eos_id": eos_id}
    e = 1 if eos_id is None else eos_id
    got = expect_sequence(sol.t5_span_corruption(ids, mask, **kwargs), 2, name=name)
    expect_array(got[0], collapse_loop(ids, mask, vocab_size, e), name=f"inputs of {name}")
    expect_array(got[1], collapse_loop(ids, ~mask, vocab_size, e), name=f"targets of {name}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_starts_with_noise(sol):
    """A mask starting with noise: sentinels are numbered within each output, in order of appearance."""
    got = expect_sequence(sol.t5_span_corruption(np.arange(10, 16), np.array([1, 1, 0, 1, 0, 0], dtype=bool),
                                                 vocab_size=100), 2, name="t5_span_corruption")
    expect_array(got[0], np.array([99, 12, 98, 14, 15, 1]), name="inputs")
    expect_array(got[1], np.array([10, 11, 99, 13, 98, 1]), name="targets")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_ends_with_non_noise(sol):
    """A mask ending with non-noise: the targets end with a sentinel before eos."""
    check(sol, np.array([4, 8, 15, 16, 23, 42]), np.array([0, 1, 1, 0, 0, 0], dtype=bool), 50)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_all_noise(sol):
    """Everything is noise: inputs are one sentinel + eos, targets the tokens + eos."""
    got = expect_sequence(sol.t5_span_corruption(np.array([7, 8, 9]), np.ones(3, dtype=bool), vocab_size=32100),
                          2, name="t5_span_corruption")
    expect_array(got[0], np.array([32099, 1]), name="inputs")
    expect_array(got[1], np.array([7, 8, 9, 1]), name="targets")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty(sol):
    """L = 0: both outputs are just [eos_id]."""
    got = expect_sequence(sol.t5_span_corruption(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool),
                                                 vocab_size=100), 2, name="t5_span_corruption")
    expect_array(got[0], np.array([1]), name="inputs")
    expect_array(got[1], np.array([1]), name="targets")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("mask", [[1], [0]], ids=cases())
def test_single_token(sol, mask):
    """L = 1, noise or not."""
    check(sol, np.array([42]), np.array(mask, dtype=bool), 100)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_and_one_ids_kept(sol):
    """Real tokens with ids 0 and 1 are kept as tokens (no filtering of pad or eos ids)."""
    check(sol, np.array([0, 1, 0, 5, 0, 1, 0]), np.array([0, 0, 1, 1, 0, 1, 0], dtype=bool), 100)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_custom_eos(sol):
    """eos_id is what gets appended (here 2)."""
    check(sol, np.arange(20, 30), np.array([0, 0, 1, 0, 0, 1, 1, 0, 1, 1], dtype=bool), 1000, eos_id=2)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_int32_input(sol):
    """int32 input_ids still give int64 outputs."""
    ids = np.arange(300, 312, dtype=np.int32)
    mask = np.array([0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1], dtype=bool)
    check(sol, ids, mask, 32100, name="t5_span_corruption(int32 ids)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_alternating_many_sentinels(sol):
    """L = 200 alternating: 100 sentinels in each output, counting down from vocab_size - 1."""
    ids = np.arange(1000, 1200)
    mask = np.arange(200) % 2 == 1
    check(sol, ids, mask, 32100)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,length,p", [(1, 512, 0.15), (2, 100, 0.5), (3, 37, 0.9), (4, 568, 0.3)], ids=cases())
def test_random_masks(sol, seed, length, p):
    """Random token ids and random masks (any pattern) match the definition."""
    g = np.random.default_rng(seed)
    ids = g.integers(0, 32000, size=length)
    mask = g.random(length) < p
    check(sol, ids, mask, 32100, name=f"t5_span_corruption(random, L={length})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_t5_style_mask(sol):
    """A T5-shaped mask (15 noise tokens in 5 spans, L = 100): 5 sentinels in each output."""
    mask = np.zeros(100, dtype=bool)
    for start, n in [(7, 3), (25, 2), (51, 4), (70, 1), (95, 5)]:
        mask[start:start + n] = True
    check(sol, np.arange(100) + 5000, mask, 32100)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_smallest_vocab(sol):
    """vocab_size equal to the number of sentinels needed is enough (the last sentinel is 0)."""
    check(sol, np.array([9, 9, 9, 9, 9]), np.array([1, 0, 1, 0, 1], dtype=bool), 3)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("vocab_size", [2, 0], ids=cases())
def test_vocab_too_small(sol, vocab_size):
    """Fewer ids than sentinels needed (or vocab_size < 1) raises ValueError naming vocab_size."""
    expect_raises(ValueError, sol.t5_span_corruption, np.array([9, 9, 9, 9, 9]),
                  np.array([1, 0, 1, 0, 1], dtype=bool), vocab_size=vocab_size, match="vocab_size")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_shapes(sol):
    """2-D input_ids raise ValueError naming input_ids; a mismatched mask names noise_mask."""
    expect_raises(ValueError, sol.t5_span_corruption, np.zeros((2, 3), dtype=np.int64),
                  np.zeros((2, 3), dtype=bool), vocab_size=100, match="input_ids")
    expect_raises(ValueError, sol.t5_span_corruption, np.arange(6), np.zeros((2, 3), dtype=bool),
                  vocab_size=100, match="noise_mask")
