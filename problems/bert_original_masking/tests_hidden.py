"""Hidden tests for bert_original_masking.

Counts come from BERT's table (p = 0.15, max 20, len including [CLS]/[SEP]) and a hand evaluation of the
formula; sparse labels from a loop over the definition. Uniformity uses fixed seeds and chi-square at z = 7.
"""

import itertools

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises, expect_sequence, expect_uniform
from judge.checkers.case_ids import cases


def ends_special(n):
    special = np.zeros(n, dtype=bool)
    if n:
        special[0] = special[-1] = True
    return special


def checked_positions(got, special, k, name):
    """int64 (k,), strictly increasing, every entry a non-special index."""
    if not (isinstance(got, np.ndarray) and got.dtype == np.int64 and got.shape == (k,)):
        expect_array(got, np.zeros(k, dtype=np.int64), name=f"{name} (K = {k})")
    if k and (np.any(np.diff(got) <= 0) or got[0] < 0 or got[-1] >= len(special)):
        raise CheckFailure.elided(f"wrong values: {name} must be sorted, distinct and inside the sequence")
    if k and np.any(np.asarray(special)[got]):
        raise CheckFailure.elided(f"wrong values: {name} contains a special position")
    return got


def sparse_by_definition(labels, m):
    positions, ids, weights = [], [], []
    for t, v in enumerate(labels):
        if v != -100:
            positions.append(t)
            ids.append(v)
            weights.append(1.0)
    pad = m - len(positions)
    return (np.array(positions + [0] * pad, dtype=np.int64), np.array(ids + [0] * pad, dtype=np.int64),
            np.array(weights + [0.0] * pad, dtype=np.float64))


def random_labels(seed, n, share):
    g = np.random.default_rng(seed)
    labels = g.integers(0, 30000, size=n).astype(np.int64)
    labels[g.random(n) >= share] = -100
    labels[0] = labels[-1] = -100
    return labels


# BERT's rounding table for masked_lm_prob 0.15, max_predictions_per_seq 20 (len counts [CLS] and [SEP]).
TABLE = {5: 1, 10: 2, 30: 4, 50: 8, 70: 10, 128: 19, 512: 20}


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n", sorted(TABLE), ids=cases())
def test_count_table(sol, n):
    """K = min(20, max(1, round(T * 0.15))) with T counting [CLS]/[SEP], half-to-even (10 -> 2, 30 -> 4, 70 -> 10)."""
    special = ends_special(n)
    got = sol.choose_mask_positions(special, masked_lm_prob=0.15, max_predictions=20,
                                    rng=np.random.default_rng(n))
    checked_positions(got, special, TABLE[n], f"choose_mask_positions(T={n})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,p,m,k", [(3, 0.15, 20, 1), (7, 0.0, 20, 1), (25, 0.1, 20, 2), (9, 0.5, 20, 4),
                                     (11, 0.5, 20, 6), (40, 0.5, 20, 20), (40, 0.5, 0, 0)], ids=cases())
def test_count_formula(sol, n, p, m, k):
    """More counts: at least 1 (even at p = 0), half-to-even (2.5 -> 2, 4.5 -> 4, 5.5 -> 6), capped, cap 0 -> none."""
    special = ends_special(n)
    got = sol.choose_mask_positions(special, masked_lm_prob=p, max_predictions=m, rng=np.random.default_rng(1))
    checked_positions(got, special, k, f"choose_mask_positions(T={n}, p={p}, max={m})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_fewer_candidates_than_k(sol):
    """K = 5 but only 3 non-special positions: all 3 are returned."""
    special = np.array([1, 1, 0, 1, 1, 0, 1, 0, 1, 1], dtype=bool)
    got = sol.choose_mask_positions(special, masked_lm_prob=0.5, max_predictions=20, rng=np.random.default_rng(2))
    expect_array(got, np.array([2, 5, 7], dtype=np.int64), name="choose_mask_positions(3 candidates, K=5)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("special", [np.ones(6, dtype=bool), np.zeros(0, dtype=bool)], ids=cases())
def test_no_candidates(sol, special):
    """All-special or empty sequences give an empty int64 array."""
    got = sol.choose_mask_positions(special, masked_lm_prob=0.15, max_predictions=20, rng=np.random.default_rng(3))
    expect_array(got, np.zeros(0, dtype=np.int64), name=f"choose_mask_positions(T={len(special)})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_int_special_mask(sol):
    """A 0/1 integer special_tokens_mask works like a bool one."""
    special = np.array([1, 0, 1, 0, 1], dtype=np.int64)
    got = sol.choose_mask_positions(special, masked_lm_prob=1.0, max_predictions=20, rng=np.random.default_rng(4))
    expect_array(got, np.array([1, 3], dtype=np.int64), name="choose_mask_positions(int mask, p=1)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kwargs,word", [({"masked_lm_prob": 1.2, "max_predictions": 20}, "masked_lm_prob"),
                                         ({"masked_lm_prob": -0.1, "max_predictions": 20}, "masked_lm_prob"),
                                         ({"masked_lm_prob": 0.15, "max_predictions": -1}, "max_predictions")],
                         ids=cases())
def test_choose_errors(sol, kwargs, word):
    """Invalid masked_lm_prob or max_predictions raise ValueError naming the argument."""
    expect_raises(ValueError, sol.choose_mask_positions, ends_special(10), rng=np.random.default_rng(0),
                  match=word, **kwargs)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_choose_2d_raises(sol):
    """A 2-D special_tokens_mask raises ValueError naming special_tokens_mask."""
    expect_raises(ValueError, sol.choose_mask_positions, np.zeros((2, 5), dtype=bool), masked_lm_prob=0.15,
                  max_predictions=20, rng=np.random.default_rng(0), match="special_tokens_mask")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible_and_seeded(sol):
    """Same seed gives the same positions; different seeds and successive calls differ."""
    special = ends_special(512)
    kw = {"masked_lm_prob": 0.15, "max_predictions": 80}
    a = checked_positions(sol.choose_mask_positions(special, rng=np.random.default_rng(5), **kw), special, 77, "a")
    b = sol.choose_mask_positions(special, rng=np.random.default_rng(5), **kw)
    expect_array(b, a, name="choose_mask_positions with the same seed")
    rng = np.random.default_rng(6)
    c = checked_positions(sol.choose_mask_positions(special, rng=rng, **kw), special, 77, "c")
    d = checked_positions(sol.choose_mask_positions(special, rng=rng, **kw), special, 77, "d")
    assert not np.array_equal(a, c), "different seeds gave the same positions"
    assert not np.array_equal(c, d), "two calls on one generator gave the same positions"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random / random state is not used."""
    before = sol.global_random_state()
    sol.choose_mask_positions(ends_special(64), masked_lm_prob=0.15, max_predictions=20,
                              rng=np.random.default_rng(0))
    assert sol.global_random_state() == before, "choose_mask_positions changed the global random state"


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_pairs_uniform(sol):
    """Candidates {1, 3, 4, 6}, K = 2: each of the 6 pairs equally likely (600 calls, chi-square z = 7)."""
    special = np.array([1, 0, 1, 0, 0, 1, 0, 1], dtype=bool)
    pairs = {pair: i for i, pair in enumerate(itertools.combinations([1, 3, 4, 6], 2))}
    counts = np.zeros(len(pairs))
    rng = np.random.default_rng(7)
    for _ in range(600):
        got = checked_positions(sol.choose_mask_positions(special, masked_lm_prob=0.25, max_predictions=20, rng=rng),
                                special, 2, "choose_mask_positions(T=8, p=0.25)")
        counts[pairs[tuple(int(x) for x in got)]] += 1
    expect_uniform(counts, name="pairs chosen among candidates {1, 3, 4, 6}",
                   hint="a uniform choice without replacement makes every pair equally likely")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,n,m", [(10, 128, 20), (11, 40, 6), (12, 512, 77)], ids=cases())
def test_to_sparse_random(sol, seed, n, m):
    """to_sparse_labels matches the definition on random labels (ids may be 0)."""
    labels = random_labels(seed, n, 0.12)
    labels[1] = 0
    labels[np.flatnonzero(labels != -100)[m:]] = -100
    expected = sparse_by_definition(labels, m)
    got = expect_sequence(sol.to_sparse_labels(labels, m), 3, name=f"to_sparse_labels(labels, {m})")
    for g, e, what in zip(got, expected, ["positions", "label_ids", "weights"], strict=True):
        expect_array(g, e, name=what)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("n,m", [(6, 4), (0, 0), (5, 0)], ids=cases())
def test_to_sparse_nothing_selected(sol, n, m):
    """No label selected: all padding (zeros, weights 0.0); max_predictions 0 gives empty arrays."""
    got = expect_sequence(sol.to_sparse_labels(np.full(n, -100, dtype=np.int64), m), 3, name="to_sparse_labels")
    expect_array(got[0], np.zeros(m, dtype=np.int64), name="positions")
    expect_array(got[1], np.zeros(m, dtype=np.int64), name="label_ids")
    expect_array(got[2], np.zeros(m, dtype=np.float64), name="weights")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_to_sparse_exactly_full(sol):
    """Exactly max_predictions labels: no padding slot, all weights 1.0."""
    labels = np.array([-100, 5, 6, -100, 7], dtype=np.int64)
    got = expect_sequence(sol.to_sparse_labels(labels, 3), 3, name="to_sparse_labels(labels, 3)")
    expect_array(got[0], np.array([1, 2, 4], dtype=np.int64), name="positions")
    expect_array(got[1], np.array([5, 6, 7], dtype=np.int64), name="label_ids")
    expect_array(got[2], np.ones(3), name="weights")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("m", [0, 3, 17], ids=cases())
def test_to_sparse_overflow(sol, m):
    """More selected labels than max_predictions raises ValueError naming max_predictions."""
    labels = np.arange(20, dtype=np.int64) + 1000
    labels[[0, 19]] = -100
    expect_raises(ValueError, sol.to_sparse_labels, labels, m, match="max_predictions")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_to_sparse_errors(sol):
    """2-D labels and negative max_predictions raise ValueError naming the argument."""
    expect_raises(ValueError, sol.to_sparse_labels, np.zeros((2, 3), dtype=np.int64), 5, match="labels")
    expect_raises(ValueError, sol.to_sparse_labels, np.full(3, -100, dtype=np.int64), -1, match="max_predictions")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,n,m", [(20, 128, 20), (21, 64, 64), (22, 9, 3)], ids=cases())
def test_round_trip(sol, seed, n, m):
    """from_sparse_labels(*to_sparse_labels(labels, m), T) == labels."""
    labels = random_labels(seed, n, 0.15)
    selected = np.flatnonzero(labels != -100)
    labels[selected[m:]] = -100
    pos, ids, w = sparse_by_definition(labels, m)
    expect_array(sol.from_sparse_labels(pos, ids, w, n), labels, name=f"from_sparse_labels(..., {n})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_from_sparse_padding_ignored(sol):
    """Padding slots point at position 0 with id 0; position 0 must stay -100."""
    got = sol.from_sparse_labels(np.array([2, 0, 0]), np.array([9, 0, 0]), np.array([1.0, 0.0, 0.0]), 4)
    expect_array(got, np.array([-100, -100, 9, -100], dtype=np.int64), name="from_sparse_labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_from_sparse_real_position_zero(sol):
    """A real prediction at position 0 with id 0 (weight 1.0) is kept next to padding slots."""
    got = sol.from_sparse_labels(np.array([0, 3, 0]), np.array([0, 5, 0]), np.array([1.0, 1.0, 0.0]), 5)
    expect_array(got, np.array([0, -100, -100, 5, -100], dtype=np.int64), name="from_sparse_labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_from_sparse_empty(sol):
    """Only padding and seq_len 0 gives an empty int64 array; seq_len 3 gives all -100."""
    z = np.zeros(2, dtype=np.int64)
    expect_array(sol.from_sparse_labels(z, z, np.zeros(2), 0), np.zeros(0, dtype=np.int64),
                 name="from_sparse_labels(padding, seq_len=0)")
    expect_array(sol.from_sparse_labels(z, z, np.zeros(2), 3), np.full(3, -100, dtype=np.int64),
                 name="from_sparse_labels(padding, seq_len=3)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["length", "range", "duplicate", "seq_len"], ids=cases())
def test_from_sparse_errors(sol, case):
    """Mismatched lengths, a weighted position outside [0, seq_len), duplicates or seq_len < 0 raise ValueError."""
    pos, ids, w, n, word = np.array([1, 2]), np.array([5, 6]), np.array([1.0, 1.0]), 4, "positions"
    if case == "length":
        w, word = np.array([1.0, 1.0, 0.0]), "weights"
    elif case == "range":
        pos = np.array([1, 4])
    elif case == "duplicate":
        pos = np.array([2, 2])
    else:
        n, word = -1, "seq_len"
    expect_raises(ValueError, sol.from_sparse_labels, pos, ids, w, n, match=word)
