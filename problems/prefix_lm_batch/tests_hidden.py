"""Hidden tests for prefix_lm_batch. Expected values come from loops over the definition in this file."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def by_definition(pairs, pad_id):
    lengths = [len(p) + len(t) for p, t in pairs]
    width = max(lengths, default=0)
    batch = len(pairs)
    ids = np.full((batch, width), pad_id, dtype=np.int64)
    labels = np.full((batch, width), -100, dtype=np.int64)
    allowed = np.zeros((batch, width, width), dtype=bool)
    for b, (prefix, target) in enumerate(pairs):
        row = [int(v) for v in prefix] + [int(v) for v in target]
        n, p = len(row), len(prefix)
        for t, v in enumerate(row):
            ids[b, t] = v
            if t >= p:
                labels[b, t] = v
        for i in range(n):
            for j in range(n):
                allowed[b, i, j] = j < p or j <= i
    return ids, allowed, labels


def check(sol, pairs, pad_id, what):
    got = expect_sequence(sol.prefix_lm_batch(pairs, pad_id=pad_id), 3, name=f"prefix_lm_batch on {what}")
    want = by_definition(pairs, pad_id)
    expect_array(got[0], want[0], name=f"input_ids for {what}")
    expect_array(got[1], want[1], name=f"allowed for {what}")
    expect_array(got[2], want[2], name=f"labels for {what}")


def random_pairs(rng, batch, max_prefix, max_target, vocab=50):
    pairs = []
    for _ in range(batch):
        p = int(rng.integers(0, max_prefix + 1))
        t = int(rng.integers(0, max_target + 1))
        pairs.append((rng.integers(1, vocab, size=p).tolist(), rng.integers(1, vocab, size=t).tolist()))
    return pairs


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_random_batches(sol, seed):
    """Random batches of pairs of different lengths match the definition."""
    rng = np.random.default_rng(700 + seed)
    check(sol, random_pairs(rng, 6, 5, 6), 0, f"a random batch (seed {seed})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_padding_queries_blocked(sol):
    """A padded query attends nothing, even to the prefix."""
    pairs = [([1, 2], [3]), ([4, 5], [6, 7, 8, 9])]
    check(sol, pairs, 0, "a short row padded by 3")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_prefix_never_sees_target(sol):
    """Prefix positions see exactly the prefix; the first target sees the prefix and itself."""
    pairs = [([10, 11, 12, 13], [14, 15, 16])]
    check(sol, pairs, 0, "a 4-token prefix and a 3-token target")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_pad_id_inside_tokens(sol):
    """A real token equal to pad_id is still a token: attended to and labelled."""
    pairs = [([0, 7], [0, 9, 0]), ([3], [0])]
    check(sol, pairs, 0, "tokens equal to pad_id")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_nonzero_pad_id(sol):
    """Padding uses pad_id (here 99); labels stay -100 there."""
    pairs = [([1], [2, 3, 4, 5]), ([6, 7, 8], [9])]
    check(sol, pairs, 99, "pad_id 99")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_mixed_empty_parts(sol):
    """Empty prefixes, empty targets and an entirely empty pair in one batch."""
    pairs = [([], [1, 2, 3]), ([4, 5], []), ([], []), ([6], [7])]
    check(sol, pairs, 0, "empty parts")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_pair_no_padding(sol):
    """One pair: no padding anywhere."""
    check(sol, [([3, 1, 4], [1, 5, 9, 2, 6])], 0, "one pair")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_array_inputs(sol):
    """Tuples and int32 arrays are accepted as sequences; results are int64 and bool."""
    pairs = [(np.array([5, 6], dtype=np.int32), np.array([7], dtype=np.int32)), ((8,), (9, 10, 11))]
    got = expect_sequence(sol.prefix_lm_batch(pairs, pad_id=0), 3, name="prefix_lm_batch on int32 arrays")
    want = by_definition(pairs, 0)
    expect_array(got[0], want[0], name="input_ids for int32 arrays")
    expect_array(got[1], want[1], name="allowed for int32 arrays")
    expect_array(got[2], want[2], name="labels for int32 arrays")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """No pairs gives shapes (0, 0), (0, 0, 0), (0, 0); all-empty pairs give T = 0."""
    check(sol, [], 0, "an empty list")
    check(sol, [([], []), ([], [])], 0, "two empty pairs")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_batch(sol):
    """A batch of 32 rows up to 128 tokens is exact and fast."""
    rng = np.random.default_rng(9)
    check(sol, random_pairs(rng, 32, 64, 64, vocab=30000), 0, "32 rows")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize(
    "pairs",
    [[([1, 2], [3], [4])], [([1, 2], [3]), 7], [([1], [2]), "ab"], [([1], [2]), ([3],)]],
    ids=["three_items", "an_int", "a_two_char_string", "one_item"],
)
def test_bad_pair(sol, pairs):
    """An item that is not a tuple or list of length 2 raises ValueError naming pairs."""
    expect_raises(ValueError, sol.prefix_lm_batch, pairs, pad_id=0, match="pairs")
