"""Hidden tests for continuation_logprob. Expected values come from a per-token loop over the definition."""

import math

import numpy as np
import pytest

from judge.checkers import expect_bool, expect_float, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def by_definition(logits, ids, start):
    total, greedy = 0.0, True
    for t in range(start, len(ids)):
        row = [float(v) for v in logits[t - 1]]
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        total += row[int(ids[t])] - lse
        best = 0
        for j in range(1, len(row)):
            if row[j] > row[best]:
                best = j
        greedy = greedy and best == int(ids[t])
    return total, greedy


def check(sol, logits, ids, start, what):
    got = expect_sequence(sol.continuation_logprob(logits, ids, start), 2, name=f"continuation_logprob on {what}")
    want_lp, want_greedy = by_definition(logits, ids, start)
    expect_float(got[0], want_lp, rtol=1e-9, atol=1e-9, name=f"logprob on {what}")
    expect_bool(got[1], want_greedy, name=f"is_greedy on {what}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2, 3], ids=cases())
def test_random(sol, seed):
    """Random logits and ids match the definition for several continuation starts."""
    rng = np.random.default_rng(300 + seed)
    seq_len, vocab = 12, 9
    logits = rng.normal(scale=3.0, size=(seq_len, vocab))
    ids = rng.integers(0, vocab, size=seq_len)
    for start in (1, 5, 11, 12):
        check(sol, logits, ids, start, f"random logits (seed {seed}), continuation_start {start}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_greedy_continuation(sol):
    """A continuation made of the argmax tokens is greedy; changing one token breaks it."""
    rng = np.random.default_rng(41)
    logits = rng.normal(size=(10, 7))
    ids = np.zeros(10, dtype=np.int64)
    ids[0] = 3
    ids[1:] = np.argmax(logits[:-1], axis=1)
    check(sol, logits, ids, 4, "an argmax continuation")
    ids2 = ids.copy()
    ids2[9] = (ids2[9] + 1) % 7
    check(sol, logits, ids2, 4, "an argmax continuation with its last token changed")
    ids3 = ids.copy()
    ids3[3] = (ids3[3] + 1) % 7
    check(sol, logits, ids3, 4, "a change in the context only (still greedy)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_ties_lowest_id(sol):
    """A token tied for the maximum is greedy only if it is the lowest such id."""
    logits = np.array([[0.0, 2.0, 2.0, 2.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    check(sol, logits, np.array([0, 1, 0]), 1, "tied logits, lowest ids")
    check(sol, logits, np.array([0, 3, 0]), 1, "tied logits, a higher tied id")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_minus_inf_target(sol):
    """A scored token with a -inf logit gives logprob -inf and is not greedy."""
    logits = np.array([[0.0, -np.inf, 1.0], [2.0, 0.0, -np.inf], [0.0, 0.0, 0.0]])
    check(sol, logits, np.array([2, 1, 0]), 1, "a target whose logit is -inf")
    check(sol, logits, np.array([2, 2, 0]), 1, "-inf logits that are not targets")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Logits of magnitude 1e4 give finite, exact log-probabilities."""
    logits = np.array([[1e4, 1e4 - 1.0, 1e4 - 2.0], [-1e4, -1e4 + 3.0, -1e4 + 0.5], [5e3, 0.0, -5e3]])
    check(sol, logits, np.array([0, 1, 1]), 1, "logits of magnitude 1e4")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits are scored in float64 (rtol 1e-9 against float64 arithmetic on the same values)."""
    logits = np.random.default_rng(5).normal(scale=4.0, size=(30, 50)).astype(np.float32)
    ids = np.random.default_rng(6).integers(0, 50, size=30).astype(np.int32)
    check(sol, logits, ids, 10, "float32 logits and int32 ids")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_token_continuation(sol):
    """T = 1 with continuation_start 1 gives (0.0, True); one scored token uses row T - 2."""
    got = expect_sequence(sol.continuation_logprob(np.array([[0.5, 0.1]]), np.array([1]), 1), 2,
                          name="continuation_logprob(T = 1, continuation_start = 1)")
    expect_float(got[0], 0.0, rtol=0, atol=0, name="logprob for T = 1")
    expect_bool(got[1], True, name="is_greedy for T = 1")
    logits = np.array([[0.0, 2.0, 1.0], [9.0, 0.0, 0.0], [0.0, 0.0, 9.0]])
    check(sol, logits, np.array([0, 0, 2]), 2, "a one-token continuation")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_long_sequence(sol):
    """A 2,048-token sequence with a 500-id vocabulary is exact and fast."""
    rng = np.random.default_rng(12)
    logits = rng.normal(scale=2.0, size=(2048, 500))
    ids = rng.integers(0, 500, size=2048)
    check(sol, logits, ids, 1000, "2,048 tokens")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("start", [0, -1, 5, 9], ids=cases())
def test_bad_start(sol, start):
    """continuation_start outside [1, T] raises ValueError naming continuation_start."""
    expect_raises(ValueError, sol.continuation_logprob, np.zeros((4, 3)), np.array([0, 1, 2, 0]), start,
                  match="continuation_start")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_shape_mismatch(sol):
    """logits with a row count different from len(input_ids) raises ValueError naming logits."""
    expect_raises(ValueError, sol.continuation_logprob, np.zeros((3, 3)), np.array([0, 1, 2, 0]), 2, match="logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", [3, -1], ids=["too_large", "negative"])
def test_id_out_of_vocab(sol, bad):
    """An id outside [0, V) (too large, or negative) raises ValueError naming input_ids."""
    expect_raises(ValueError, sol.continuation_logprob, np.zeros((4, 3)), np.array([0, 1, bad, 0]), 2,
                  match="input_ids")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_input_ids_not_1d(sol):
    """input_ids of shape (T, 1) (its length still matches the logits rows) raises ValueError naming input_ids."""
    expect_raises(ValueError, sol.continuation_logprob, np.zeros((4, 3)), np.array([[0], [1], [2], [0]]), 2,
                  match="input_ids")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("shape", [(4, 1, 3), (4,)], ids=["three_dim", "one_dim"])
def test_logits_not_2d(sol, shape):
    """logits that are not 2-D (even with T rows) raise ValueError naming logits."""
    # ids all 0: valid for any reading of V, so only logits is wrong.
    expect_raises(ValueError, sol.continuation_logprob, np.zeros(shape), np.zeros(4, dtype=np.int64), 2,
                  match="logits")
