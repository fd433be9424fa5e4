"""Public tests for bert_mask_tokens: run them with `judge test bert_mask_tokens`."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_proportion, expect_raises, expect_sequence

# Toy vocabulary: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, ordinary ids from 5.
IDS = np.array([[2, 5, 6, 3], [2, 7, 3, 0]])
SPECIAL = np.array([[1, 0, 0, 1], [1, 0, 1, 1]], dtype=bool)


def call(sol, ids, special, seed, **kwargs):
    kwargs.setdefault("mask_token_id", 4)
    kwargs.setdefault("vocab_size", 102)
    out = sol.bert_mask_tokens(ids, special, rng=np.random.default_rng(seed), **kwargs)
    return expect_sequence(out, 2, name="bert_mask_tokens(...)")


def check_invariants(ids, special, inputs, labels, mask_id, vocab):
    """What must hold for every correct draw."""
    for name, arr in (("inputs", inputs), ("labels", labels)):
        if type(arr) is not np.ndarray or arr.dtype != np.int64 or arr.shape != ids.shape:
            # type, dtype and shape: expect_array reports the first that is wrong
            expect_array(arr, np.zeros(ids.shape, dtype=np.int64), name=f"{name} of bert_mask_tokens")
    selected = labels != -100
    bad = np.argwhere(selected & special)
    if len(bad):
        i = tuple(int(v) for v in bad[0])
        raise CheckFailure("labels of bert_mask_tokens: a special position was selected",
                           f"labels of bert_mask_tokens: special position {i} has label {labels[i]}, expected -100 "
                           "(positions where special_tokens_mask is True are never selected)")
    bad = np.argwhere(selected & (labels != ids))
    if len(bad):
        i = tuple(int(v) for v in bad[0])
        raise CheckFailure("labels of bert_mask_tokens: a selected label is not the original id",
                           f"labels of bert_mask_tokens at selected position {i} is {labels[i]}, expected the "
                           f"original id {ids[i]} (labels keep the original token, not the corrupted one)")
    bad = np.argwhere(~selected & (inputs != ids))
    if len(bad):
        i = tuple(int(v) for v in bad[0])
        raise CheckFailure("inputs of bert_mask_tokens: an unselected position was changed",
                           f"inputs of bert_mask_tokens at unselected position {i} (label -100) is {inputs[i]}, "
                           f"expected the original id {ids[i]}")
    bad = np.argwhere(selected & ((inputs < 0) | (inputs >= vocab)) & (inputs != mask_id))
    if len(bad):
        i = tuple(int(v) for v in bad[0])
        raise CheckFailure("inputs of bert_mask_tokens: a selected input is not an id in [0, vocab_size)",
                           f"inputs of bert_mask_tokens at selected position {i} is {inputs[i]}, "
                           f"not an id in [0, {vocab})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_statement_all_masked(sol):
    """mlm_probability=1, mask_replace_prob=1, random_replace_prob=0 is exact (the statement's example)."""
    inputs, labels = call(sol, IDS, SPECIAL, 0, mlm_probability=1.0, mask_replace_prob=1.0, random_replace_prob=0.0)
    expect_array(inputs, np.array([[2, 4, 4, 3], [2, 4, 3, 0]]), name="inputs of bert_mask_tokens(p=1, pm=1)")
    expect_array(labels, np.array([[-100, 5, 6, -100], [-100, 7, -100, -100]]),
                 name="labels of bert_mask_tokens(p=1, pm=1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_statement_nothing_selected(sol):
    """mlm_probability=0 selects nothing: inputs unchanged, labels all -100."""
    inputs, labels = call(sol, IDS, SPECIAL, 0, mlm_probability=0.0)
    expect_array(inputs, IDS, name="inputs of bert_mask_tokens(p=0)")
    expect_array(labels, np.full(IDS.shape, -100), name="labels of bert_mask_tokens(p=0)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_invariants_small_batch(sol):
    """On a small padded batch: int64 outputs, labels -100 off the selection and original on it, specials kept."""
    gen = np.random.default_rng(123)
    ids = gen.integers(5, 102, size=(8, 24))
    ids[:, 0], ids[:, 20] = 2, 3
    ids[:, 21:] = 0
    special = np.isin(ids, [0, 2, 3])
    for seed in range(5):
        inputs, labels = call(sol, ids, special, seed, mlm_probability=0.5)
        check_invariants(ids, special, inputs, labels, 4, 102)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_same_seed_same_output(sol):
    """Two fresh generators with one seed give identical outputs."""
    ids = np.random.default_rng(5).integers(5, 102, size=(4, 30))
    special = np.zeros(ids.shape, dtype=bool)
    first = call(sol, ids, special, 42, mlm_probability=0.5)
    second = call(sol, ids, special, 42, mlm_probability=0.5)
    expect_array(second[0], first[0], name="inputs of a second call with the same seed")
    expect_array(second[1], first[1], name="labels of a second call with the same seed")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_default_shares(sol):
    """With the defaults, about 15% of eligible positions are selected and split 80/10/10 (bands below 1e-10)."""
    gen = np.random.default_rng(7)
    ids = gen.integers(5, 102, size=(1000, 52))
    ids[:, 0], ids[:, -1] = 2, 3
    special = np.isin(ids, [2, 3])
    inputs, labels = call(sol, ids, special, 8)
    check_invariants(ids, special, inputs, labels, 4, 102)
    selected = labels != -100
    expect_proportion(int(selected.sum()), int((~special).sum()), 0.15, name="share of eligible positions selected")
    orig, new = ids[selected], inputs[selected]
    expect_proportion(int(np.count_nonzero(new == 4)), new.size, 0.8 + 0.1 / 102,
                      name="share of selected inputs that are [MASK]")
    expect_proportion(int(np.count_nonzero(new == orig)), new.size, 0.1 + 0.1 / 102,
                      name="share of selected inputs left unchanged",
                      hint="0.1 of the selected positions keep their id, plus random ids that equal the original")
    expect_proportion(int(np.count_nonzero((new != orig) & (new != 4))), new.size, 0.1 * 100 / 102,
                      name="share of selected inputs replaced by another id",
                      hint="0.1 of the selected positions get a random id, not 0.1 of the remaining 0.2")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_probability_raises(sol):
    """mlm_probability outside [0, 1] raises ValueError naming it."""
    expect_raises(ValueError, sol.bert_mask_tokens, IDS, SPECIAL, mask_token_id=4, vocab_size=102,
                  rng=np.random.default_rng(0), mlm_probability=1.5, match="mlm_probability")
