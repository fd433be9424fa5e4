"""Hidden tests for whole_word_mask.

Every result is checked against deterministic invariants derived from the definition (whole words only,
specials never, within the budget, and maximal: no untaken word would still fit). Distributions use fixed
seeds with Bernstein / chi-square bands (false-failure rate < 1e-9).
"""

import itertools

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_proportion, expect_raises, expect_uniform
from judge.checkers.case_ids import cases


def words_of(word_ids):
    """{word id: list of positions}, by a plain loop."""
    words = {}
    for t, w in enumerate(word_ids):
        if w >= 0:
            words.setdefault(int(w), []).append(t)
    return words


def budget_of(n, p, cap):
    b = max(1, round(n * p))
    return b if cap is None else min(b, cap)


def checked(got, word_ids, p, cap=None, name="whole_word_mask"):
    """All invariants of the definition; returns the mask."""
    word_ids = np.asarray(word_ids)
    n = len(word_ids)
    if not (isinstance(got, np.ndarray) and got.dtype == bool and got.shape == (n,)):
        expect_array(got, np.zeros(n, dtype=bool), name=name)
    if got[word_ids < 0].any():
        raise CheckFailure.elided(f"wrong values: {name} selected a special token (word id -1)")
    budget = budget_of(n, p, cap)
    count = int(got.sum())
    if count > budget:
        raise CheckFailure.elided(f"wrong values: {name} selected {count} tokens, over the budget of {budget}")
    for w, pos in words_of(word_ids).items():
        part = got[pos]
        if part.any() and not part.all():
            raise CheckFailure.elided(f"wrong values: {name} selected only part of word {w}")
        if not part.any() and len(pos) <= budget - count:
            raise CheckFailure.elided(f"wrong values: {name} left out a word that still fits in the budget "
                               f"({count} of {budget} used)")
    return got


def random_words(seed, n_words, max_len, specials=True):
    g = np.random.default_rng(seed)
    lengths = g.integers(1, max_len + 1, size=n_words)
    ids = np.repeat(np.arange(n_words), lengths)
    return np.concatenate([[-1], ids, [-1]]) if specials else ids


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("n,p,cap,k", [(10, 0.15, None, 2), (30, 0.15, None, 4), (50, 0.15, None, 8),
                                       (3, 0.15, None, 1), (22, 0.0, None, 1), (512, 0.15, None, 77),
                                       (512, 0.15, 20, 20), (40, 0.5, 0, 0)], ids=cases())
def test_budget_with_single_token_words(sol, n, p, cap, k):
    """One-token words fill the budget exactly: max(1, round(T * p)) with T incl. specials, half-to-even, capped."""
    word_ids = np.concatenate([[-1], np.arange(n - 2), [-1]])
    got = sol.whole_word_mask(word_ids, p, rng=np.random.default_rng(n), max_predictions=cap)
    got = checked(got, word_ids, p, cap, name=f"whole_word_mask(T={n}, p={p}, max_predictions={cap})")
    if got.sum() != k:
        raise CheckFailure.elided(f"wrong values: whole_word_mask(T={n}, p={p}) selected {int(got.sum())} tokens, "
                           f"expected {k}")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_fits(sol):
    """p = 0 gives budget 1; when every word has 2 tokens nothing is selected."""
    word_ids = np.array([-1, 0, 0, 1, 1, 2, 2, -1])
    got = sol.whole_word_mask(word_ids, 0.0, rng=np.random.default_rng(1))
    expect_array(got, np.zeros(8, dtype=bool), name="whole_word_mask(two-token words, 0.0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("word_ids", [np.zeros(0, dtype=np.int64), np.full(5, -1), np.array([7])], ids=cases())
def test_edge_inputs(sol, word_ids):
    """Empty input, only specials, and a single one-token word (budget 1: it is taken)."""
    got = sol.whole_word_mask(word_ids, 0.15, rng=np.random.default_rng(2))
    expect_array(got, np.asarray(word_ids) >= 0, name=f"whole_word_mask({np.asarray(word_ids).tolist()}, 0.15)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [10, 11, 12, 13], ids=cases())
def test_invariants_random_words(sol, seed):
    """Random word lengths 1-4 (T about 260, budget 39): whole words, maximal, and exactly the budget."""
    word_ids = random_words(seed, 100, 4)
    word_ids[1:40] = np.arange(1000, 1039)  # 39 one-token words guarantee the budget is reached
    p = 0.15
    got = checked(sol.whole_word_mask(word_ids, p, rng=np.random.default_rng(seed)), word_ids, p)
    budget = budget_of(len(word_ids), p, None)
    if got.sum() != budget:
        raise CheckFailure.elided(f"wrong values: selected {int(got.sum())} tokens, expected the budget {budget}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_many_calls_invariants(sol):
    """200 calls on mixed word lengths: every result is whole-word, within budget and maximal."""
    rng = np.random.default_rng(20)
    word_ids = np.array([-1, 0, 0, 0, 1, 2, 2, 3, 4, 4, 4, 4, 5, 6, 6, -1])
    for _ in range(200):
        checked(sol.whole_word_mask(word_ids, 0.4, rng=rng), word_ids, 0.4)


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_word_order_uniform_by_word(sol):
    """Words [3 tokens, 1, 1, 1], budget 3: the long word is taken iff visited first, probability 1/4."""
    word_ids = np.array([-1, 0, 0, 0, 1, 2, 3, -1])
    rng = np.random.default_rng(30)
    taken = 0
    n = 800
    for _ in range(n):
        got = checked(sol.whole_word_mask(word_ids, 0.375, rng=rng), word_ids, 0.375)
        taken += int(got[1])
    expect_proportion(taken, n, 0.25, name="share of calls taking the 3-token word",
                      hint="0.5 means tokens, not words, were shuffled (long words visited first more often)")


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_pairs_uniform(sol):
    """Six one-token words, budget 2: each of the 15 pairs equally likely (600 calls, chi-square z = 7)."""
    word_ids = np.array([-1, 0, 1, 2, 3, 4, 5, -1])
    index = {pair: i for i, pair in enumerate(itertools.combinations(range(1, 7), 2))}
    counts = np.zeros(len(index))
    rng = np.random.default_rng(40)
    for _ in range(600):
        got = checked(sol.whole_word_mask(word_ids, 0.25, rng=rng), word_ids, 0.25)
        pos = tuple(int(t) for t in np.flatnonzero(got))
        if pos not in index:
            raise CheckFailure.elided(f"wrong values: expected two selected words, got positions {list(pos)}")
        counts[index[pos]] += 1
    expect_uniform(counts, name="pairs of words chosen", hint="the words must be visited in a uniformly random order")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible_and_seeded(sol):
    """Same seed gives the same mask; different seeds and successive calls differ."""
    word_ids = random_words(50, 150, 3)
    a = checked(sol.whole_word_mask(word_ids, 0.15, rng=np.random.default_rng(5)), word_ids, 0.15)
    b = sol.whole_word_mask(word_ids, 0.15, rng=np.random.default_rng(5))
    expect_array(b, a, name="whole_word_mask with the same seed")
    rng = np.random.default_rng(6)
    c = checked(sol.whole_word_mask(word_ids, 0.15, rng=rng), word_ids, 0.15)
    d = checked(sol.whole_word_mask(word_ids, 0.15, rng=rng), word_ids, 0.15)
    assert not np.array_equal(a, c), "different seeds gave the same mask"
    assert not np.array_equal(c, d), "two calls on one generator gave the same mask"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random / random state is not used."""
    before = sol.global_random_state()
    sol.whole_word_mask(random_words(51, 30, 3), 0.15, rng=np.random.default_rng(0))
    assert sol.global_random_state() == before, "whole_word_mask changed the global random state"


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_word_ids_not_starting_at_zero(sol):
    """Word ids are labels, not positions: any distinct non-negative ids work (p = 1 takes every word)."""
    word_ids = np.array([-1, 42, 42, 7, 1000, 1000, 1000, 3, -1, -1])
    got = sol.whole_word_mask(word_ids, 1.0, rng=np.random.default_rng(7))
    expect_array(got, word_ids >= 0, name="whole_word_mask(word ids 42, 7, 1000, 3; p=1)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("args,word", [((np.array([0, 1, 2]), 1.5), "mlm_probability"),
                                       ((np.zeros((2, 3), dtype=np.int64), 0.15), "word_ids"),
                                       ((np.array([-1, 0, 1, 0, -1]), 0.15), "word_ids"),
                                       ((np.array([-2, 0, 1]), 0.15), "word_ids")], ids=cases())
def test_errors(sol, args, word):
    """Bad probability, 2-D word_ids, a non-contiguous word, or an id below -1 raise ValueError naming it."""
    expect_raises(ValueError, sol.whole_word_mask, *args, rng=np.random.default_rng(0), match=word)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_max_predictions(sol):
    """max_predictions < 0 raises ValueError naming max_predictions."""
    expect_raises(ValueError, sol.whole_word_mask, np.array([0, 1, 2]), 0.15, rng=np.random.default_rng(0),
                  max_predictions=-1, match="max_predictions")
