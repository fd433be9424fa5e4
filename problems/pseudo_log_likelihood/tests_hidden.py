"""Hidden tests for pseudo_log_likelihood. Expected values come from loops over the definitions in this file."""

import math

import numpy as np
import pytest

from judge.checkers import expect_array, expect_float, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def copies_by_definition(ids, special, mask_id):
    rows, positions = [], []
    for t in range(len(ids)):
        if not special[t]:
            row = [int(v) for v in ids]
            row[t] = mask_id
            rows.append(row)
            positions.append(t)
    return np.array(rows, dtype=np.int64).reshape(len(rows), len(ids)), np.array(positions, dtype=np.int64)


def log_softmax_at(row, j):
    row = [float(v) for v in row]
    m = max(row)
    return row[j] - (m + math.log(sum(math.exp(v - m) for v in row)))


def score_by_definition(logits, ids, positions):
    return sum(log_softmax_at(logits[k, p], int(ids[p])) for k, p in enumerate(positions))


def check_copies(sol, ids, special, mask_id, what):
    got = expect_sequence(sol.pll_masked_copies(ids, special, mask_id), 2, name=f"pll_masked_copies on {what}")
    want_copies, want_positions = copies_by_definition(ids, special, mask_id)
    expect_array(got[0], want_copies, name=f"copies for {what}")
    expect_array(got[1], want_positions, name=f"positions for {what}")


# ---------------------------------------------------------------- pll_masked_copies


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_copies_random(sol, seed):
    """Random ids and special masks give one singly-masked copy per non-special position."""
    rng = np.random.default_rng(500 + seed)
    ids = rng.integers(0, 30, size=17)
    special = rng.random(17) < 0.3
    special[0] = special[-1] = True
    check_copies(sol, ids, special, 99, f"random ids (seed {seed})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_copies_no_special(sol):
    """Without special tokens every position gets a copy (K = T)."""
    check_copies(sol, np.array([5, 6, 7, 8, 9, 10]), np.zeros(6, dtype=bool), 1, "no special tokens")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_copies_none_scored(sol):
    """All special or T = 0 gives copies of shape (0, T) and positions of shape (0,)."""
    check_copies(sol, np.array([0, 1]), np.array([True, True]), 3, "all-special ids")
    check_copies(sol, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), 3, "an empty sequence")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_copies_existing_mask_token(sol):
    """A token already equal to mask_token_id is a position like any other."""
    check_copies(sol, np.array([0, 3, 3, 7, 1]), np.array([True, False, False, False, True]), 3,
                 "ids already holding the mask id")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_copies_int32(sol):
    """int32 ids give int64 copies and positions."""
    check_copies(sol, np.array([2, 8, 9, 4], dtype=np.int32), np.array([True, False, False, True]), 103, "int32 ids")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_copies_errors(sol):
    """A special mask of another length names special_tokens_mask; 2-D ids name input_ids."""
    expect_raises(ValueError, sol.pll_masked_copies, np.array([1, 2, 3]), np.array([True, False]), 0,
                  match="special_tokens_mask")
    expect_raises(ValueError, sol.pll_masked_copies, np.array([[1, 2]]), np.array([[True, False]]), 0,
                  match="input_ids")


# ---------------------------------------------------------------- pll_score


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_score_random(sol, seed):
    """Random logits: only logits[k, positions[k]] and the original token at that position count."""
    rng = np.random.default_rng(600 + seed)
    seq_len, vocab = 9, 11
    ids = rng.integers(0, vocab, size=seq_len)
    positions = np.array([1, 2, 4, 5, 7], dtype=np.int64)
    logits = rng.normal(scale=3.0, size=(len(positions), seq_len, vocab))
    expect_float(sol.pll_score(logits, ids, positions), score_by_definition(logits, ids, positions),
                 rtol=1e-9, atol=1e-9, name=f"pll_score on random logits (seed {seed})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_score_empty(sol):
    """K = 0 gives 0.0."""
    expect_float(sol.pll_score(np.zeros((0, 3, 5)), np.array([0, 1, 2]), np.zeros(0, dtype=np.int64)), 0.0,
                 rtol=0, atol=0, name="pll_score with no scored position")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_score_large_and_float32(sol):
    """Logits of magnitude 1e4 are stable; float32 logits are scored in float64."""
    ids = np.array([0, 2, 1])
    positions = np.array([0, 1, 2])
    big = np.zeros((3, 3, 3))
    big[0, 0] = [1e4, 1e4 - 1, 1e4 - 2]
    big[1, 1] = [-1e4, -1e4 + 2, -1e4]
    big[2, 2] = [5e3, -5e3, 0.0]
    expect_float(sol.pll_score(big, ids, positions), score_by_definition(big, ids, positions), rtol=1e-9, atol=1e-9,
                 name="pll_score with logits ~ 1e4")
    small = np.random.default_rng(9).normal(size=(3, 3, 6)).astype(np.float32)
    expect_float(sol.pll_score(small, ids, positions), score_by_definition(small, ids, positions), rtol=1e-9,
                 atol=1e-9, name="pll_score with float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_score_minus_inf(sol):
    """A target whose logit is -inf makes the score -inf."""
    logits = np.zeros((2, 3, 4))
    logits[1, 2, 3] = -np.inf
    expect_float(sol.pll_score(logits, np.array([1, 1, 3]), np.array([0, 2])), -math.inf, rtol=0, atol=0,
                 name="pll_score with a -inf target logit")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_score_errors(sol):
    """Wrongly shaped logits name logits; an out-of-range position names positions."""
    expect_raises(ValueError, sol.pll_score, np.zeros((2, 3, 4)), np.array([1, 1, 3]), np.array([0, 1, 2]),
                  match="logits")
    expect_raises(ValueError, sol.pll_score, np.zeros((2, 4, 4)), np.array([1, 1, 3]), np.array([0, 1]),
                  match="logits")
    expect_raises(ValueError, sol.pll_score, np.zeros((2, 3, 4)), np.array([1, 1, 3]), np.array([0, 3]),
                  match="positions")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_score_negative_position(sol):
    """A negative position (outside [0, T), even though numpy would wrap it) names positions."""
    expect_raises(ValueError, sol.pll_score, np.zeros((2, 3, 4)), np.array([1, 1, 3]), np.array([-1, 1]),
                  match="positions")


# ---------------------------------------------------------------- end to end


class ToyMLM:
    """A deterministic 'model': logits at t depend on the tokens at t - 1, t, t + 1 and on how many masks it sees."""

    def __init__(self, vocab, mask_id, seed):
        rng = np.random.default_rng(seed)
        self.a, self.b, self.c = (rng.normal(size=(vocab, vocab)) for _ in range(3))
        self.d = rng.normal(size=vocab)
        self.mask_id = mask_id

    def __call__(self, row):
        n = len(row)
        out = np.empty((n, self.a.shape[0]))
        masks = sum(1 for v in row if v == self.mask_id)
        for t in range(n):
            out[t] = self.a[row[t]] + masks * self.d
            if t > 0:
                out[t] += self.b[row[t - 1]]
            if t < n - 1:
                out[t] += self.c[row[t + 1]]
        return out


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_end_to_end(sol):
    """copies -> toy model -> pll_score equals the PLL of the definition for a sentence with specials."""
    vocab, mask_id = 12, 11
    model = ToyMLM(vocab, mask_id, seed=3)
    ids = np.array([0, 4, 7, 7, 2, 9, 1])
    special = np.array([True, False, False, False, False, False, True])
    copies, positions = expect_sequence(sol.pll_masked_copies(ids, special, mask_id), 2, name="pll_masked_copies")
    want_copies, want_positions = copies_by_definition(ids, special, mask_id)
    expect_array(copies, want_copies, name="copies")
    logits = np.stack([model(row) for row in want_copies])
    expected = score_by_definition(logits, ids, want_positions)
    expect_float(sol.pll_score(logits, ids, positions), expected, rtol=1e-9, atol=1e-9,
                 name="pll_score of the toy model's logits on the copies")


# ---------------------------------------------------------------- pseudo_perplexity


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_pppl_token_weighted(sol):
    """A corpus of sentences of different lengths is token-weighted."""
    scores = np.array([-12.5, -3.25, -40.0, -0.5])
    counts = np.array([5, 1, 17, 2])
    expect_float(sol.pseudo_perplexity(scores, counts), math.exp(56.25 / 25), rtol=1e-9, atol=1e-9,
                 name="pseudo_perplexity over 4 sentences")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_pppl_zero_count_sentence(sol):
    """A sentence with no scored token (score 0.0, count 0) does not change the corpus value."""
    expect_float(sol.pseudo_perplexity(np.array([-6.0, 0.0, -3.0]), np.array([3, 0, 1])), math.exp(9 / 4),
                 rtol=1e-9, atol=1e-9, name="pseudo_perplexity with an empty sentence")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_pppl_uniform_large_corpus(sol):
    """1,000 sentences scored by a uniform model over 50 tokens give exactly 50."""
    rng = np.random.default_rng(4)
    counts = rng.integers(1, 40, size=1000)
    scores = -counts * math.log(50)
    expect_float(sol.pseudo_perplexity(scores, counts), 50.0, rtol=1e-9, atol=1e-9,
                 name="pseudo_perplexity of a uniform model over 50 tokens")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize(
    "scores, counts",
    [([-1.0, -2.0], [1]), ([-1.0], [-1]), ([-4.0, -1.0], [3, -1]), ([], []), ([0.0, 0.0], [0, 0])],
    ids=["length_mismatch", "negative_count", "negative_count_positive_total", "empty_corpus", "all_zero"],
)
def test_pppl_errors(sol, scores, counts):
    """Bad counts (mismatch, negative, zero total) raise ValueError naming num_scored_tokens."""
    expect_raises(ValueError, sol.pseudo_perplexity, np.array(scores, dtype=np.float64),
                  np.array(counts, dtype=np.int64), match="num_scored_tokens")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_pppl_scores_not_1d(sol):
    """pll_scores of shape (2, 1) (counts of the same shape) raises ValueError naming pll_scores."""
    expect_raises(ValueError, sol.pseudo_perplexity, np.array([[-6.0], [-3.0]]), np.array([[3], [1]]),
                  match="pll_scores")
