"""Hidden tests for mlm_collate and clm_collate.

The plain batches come from a loop over the definition. The random corruption is checked through invariants
that hold for any correct draw order, exact degenerate settings, reproducibility, and shares with fixed seeds in
Bernstein / chi-square bands (false-failure rate < 1e-9).
"""

import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    expect_array,
    expect_proportion,
    expect_raises,
    expect_sequence,
    expect_uniform,
)
from judge.checkers.case_ids import cases

PAD, EOS, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIAL_IDS = {"cls_id": CLS, "sep_id": SEP, "pad_id": PAD, "mask_token_id": MASK}


def width_of(rows, multiple):
    longest = max([len(r) for r in rows] + [0])
    if multiple is None:
        return longest
    width = 0
    while width < longest:
        width += multiple
    return width


def plain_mlm(seqs, multiple=None):
    """(input_ids, attention_mask, eligible) of the uncorrupted batch, by loops."""
    rows = [[CLS] + list(s) + [SEP] for s in seqs]
    w = width_of(rows, multiple)
    ids = np.full((len(rows), w), PAD, dtype=np.int64)
    att = np.zeros((len(rows), w), dtype=np.int64)
    eligible = np.zeros((len(rows), w), dtype=bool)
    for r, row in enumerate(rows):
        for t, tok in enumerate(row):
            ids[r, t] = tok
            att[r, t] = 1
            eligible[r, t] = 0 < t < len(row) - 1
    return ids, att, eligible


def plain_clm(seqs, eos, pad, multiple=None):
    rows = [list(s) + [eos] for s in seqs]
    w = width_of(rows, multiple)
    ids = np.full((len(rows), w), pad, dtype=np.int64)
    labels = np.full((len(rows), w), -100, dtype=np.int64)
    att = np.zeros((len(rows), w), dtype=np.int64)
    for r, row in enumerate(rows):
        for t, tok in enumerate(row):
            ids[r, t] = labels[r, t] = tok
            att[r, t] = 1
    return ids, att, labels


def mlm(sol, seqs, rng, vocab=100, p=0.15, multiple=None):
    """Call mlm_collate and check every invariant; returns (inputs, labels, plain ids, eligible)."""
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    kwargs = {"mlm_probability": p}
    if multiple is not None:
        kwargs["pad_to_multiple_of"] = multiple
    got = expect_sequence(sol.mlm_collate(seqs, **SPECIAL_IDS, vocab_size=vocab, rng=rng, **kwargs), 3,
                          name="mlm_collate")
    ids, att, eligible = plain_mlm(seqs, multiple)
    inputs, attention, labels = got
    for name, arr in (("input_ids", inputs), ("labels", labels)):
        if not (isinstance(arr, np.ndarray) and arr.dtype == np.int64 and arr.shape == ids.shape):
            expect_array(arr, ids, name=f"{name} of mlm_collate")
    expect_array(attention, att, name="attention_mask of mlm_collate")
    selected = labels != -100
    if (selected & ~eligible).any():
        raise CheckFailure("labels of mlm_collate: [CLS], [SEP] or padding was selected (label not -100)")
    if (selected & (labels != ids)).any():
        raise CheckFailure("labels of mlm_collate: a selected label is not the original token id")
    if (~selected & (inputs != ids)).any():
        raise CheckFailure("input_ids of mlm_collate: an unselected position differs from the plain batch "
                           "([CLS] tokens [SEP], right-padded with pad_id)")
    if ((inputs < 0) | (inputs >= vocab)).any():
        raise CheckFailure("input_ids of mlm_collate: an id is outside [0, vocab_size)")
    return inputs, labels, ids, eligible


def random_seqs(seed, n, lo, hi, vocab=100):
    g = np.random.default_rng(seed)
    return [g.integers(5, vocab, size=int(k)).tolist() for k in g.integers(lo, hi + 1, size=n)]


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("multiple", [None, 1, 8, 16], ids=cases())
def test_mlm_plain_batch(sol, multiple):
    """p = 0: the plain right-padded batch (rounded up to pad_to_multiple_of) with labels all -100."""
    seqs = random_seqs(1, 6, 0, 13)
    inputs, labels, ids, _ = mlm(sol, seqs, 1, p=0.0, multiple=multiple)
    expect_array(inputs, ids, name=f"input_ids of mlm_collate(p=0, pad_to_multiple_of={multiple})")
    expect_array(labels, np.full(ids.shape, -100, dtype=np.int64), name="labels of mlm_collate(p=0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_multiple_already_reached(sol):
    """A longest row of exactly 8 with pad_to_multiple_of 8 stays 8 wide."""
    inputs, _, ids, _ = mlm(sol, [[9] * 6, [9]], 2, p=0.0, multiple=8)
    expect_array(inputs, ids, name="input_ids of mlm_collate(longest 8, multiple 8)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_mlm_probability_one_labels(sol):
    """p = 1: every content token is labelled with its original id, everything else -100."""
    seqs = random_seqs(3, 10, 1, 20)
    _, labels, ids, eligible = mlm(sol, seqs, 3, p=1.0, multiple=4)
    expect_array(labels, np.where(eligible, ids, -100), name="labels of mlm_collate(p=1)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_content_ids_equal_to_specials(sol):
    """Content tokens whose ids equal pad/cls/sep/mask ids are still eligible (eligibility is by position)."""
    seqs = [[PAD, CLS, 7, SEP, MASK], [EOS, PAD]]
    _, labels, ids, eligible = mlm(sol, seqs, 4, p=1.0)
    expect_array(labels, np.where(eligible, ids, -100), name="labels of mlm_collate(content ids 0, 2, 3, 4; p=1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_inputs(sol):
    """No sequences gives three (0, 0) int64 arrays; an empty sequence becomes [CLS] [SEP]."""
    got = expect_sequence(sol.mlm_collate([], **SPECIAL_IDS, vocab_size=30, rng=np.random.default_rng(0)), 3,
                          name="mlm_collate([])")
    for arr, name in zip(got, ["input_ids", "attention_mask", "labels"], strict=True):
        expect_array(arr, np.zeros((0, 0), dtype=np.int64), name=f"{name} of mlm_collate([])")
    inputs, labels, ids, _ = mlm(sol, [[], [8, 9]], 5, p=1.0)
    expect_array(inputs[0], np.array([CLS, SEP, PAD, PAD]), name="row of the empty sequence")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kwargs,word", [({"mlm_probability": -0.1}, "mlm_probability"),
                                         ({"vocab_size": 0}, "vocab_size"),
                                         ({"pad_to_multiple_of": 0}, "pad_to_multiple_of")], ids=cases())
def test_mlm_errors(sol, kwargs, word):
    """Invalid mlm_probability, vocab_size or pad_to_multiple_of raise ValueError naming it."""
    args = {**SPECIAL_IDS, "vocab_size": 30, "rng": np.random.default_rng(0), **kwargs}
    expect_raises(ValueError, sol.mlm_collate, [[5, 6]], match=word, **args)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible_and_seeded(sol):
    """Same seed gives the same batch; different seeds and successive calls differ."""
    seqs = random_seqs(6, 16, 20, 40)
    a, la, _, _ = mlm(sol, seqs, 60)
    b, lb, _, _ = mlm(sol, seqs, 60)
    expect_array(b, a, name="input_ids with the same seed")
    expect_array(lb, la, name="labels with the same seed")
    rng = np.random.default_rng(61)
    c, lc, _, _ = mlm(sol, seqs, rng)
    d, ld, _, _ = mlm(sol, seqs, rng)
    assert not np.array_equal(la, lc), "different seeds gave the same selection"
    assert not np.array_equal(lc, ld), "two calls on one generator gave the same selection"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random / random state is not used."""
    before = sol.global_random_state()
    mlm(sol, random_seqs(7, 4, 5, 10), 7)
    assert sol.global_random_state() == before, "mlm_collate changed the global random state"


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_selection_rate_and_spread(sol):
    """~45,000 content tokens at p = 0.15: selected share in its band; columns selected uniformly."""
    seqs = [np.random.default_rng(8).integers(5, 100, size=90).tolist() for _ in range(500)]
    _, labels, _, eligible = mlm(sol, seqs, 80, p=0.15)
    selected = labels != -100
    expect_proportion(int(selected.sum()), int(eligible.sum()), 0.15, name="selected share of content tokens")
    expect_uniform(selected[:, 1:91].sum(axis=0), name="selections per position",
                   hint="some positions are favoured or never selected")


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_corruption_shares(sol):
    """p = 1 on 30,000 copies of token 5, vocab 10: [MASK] 0.81, unchanged 0.11, other ids 0.08 (bands 1e-10)."""
    seqs = [[5] * 100 for _ in range(300)]
    inputs, _, _, eligible = mlm(sol, seqs, 90, vocab=10, p=1.0)
    out = inputs[eligible]
    n = out.size
    masked = int((out == MASK).sum())
    unchanged = int((out == 5).sum())
    expect_proportion(masked, n, 0.8 + 0.1 / 10, name="share of selected tokens that became [MASK]",
                      hint="expected 0.8 plus the random draws that hit [MASK] (0.1 / vocab_size)")
    expect_proportion(n - masked - unchanged, n, 0.1 * 8 / 10, name="share of selected tokens that became another id",
                      hint="about 0.016 means the random branch got 10% of the remaining 20% instead of half of it")
    expect_proportion(unchanged, n, 0.1 + 0.1 / 10, name="share of selected tokens left unchanged",
                      hint="expected 0.1 plus the random draws that hit the original id (0.1 / vocab_size)")


def all_selected_large(sol, seed):
    """p = 1 on 2,000 rows of 200 copies of token 5 (NumPy sequences), vocab 10: 400,000 selected tokens.

    Bernstein half-widths at false failure 1e-10 with n = 400,000: 0.0043 at p = 0.81, 0.0035 at p = 0.11, 0.0030
    at p = 0.08, so a bias of 0.01 in a share (81/10/9, 80/9/11, ...) fails except with probability below 1e-10."""
    seqs = [np.full(200, 5, dtype=np.int64) for _ in range(2000)]
    inputs, _, _, eligible = mlm(sol, seqs, seed, vocab=10, p=1.0)
    return inputs[eligible]


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_mask_share_large_sample(sol):
    """400,000 selected tokens: [MASK] 0.8 + 0.1 / 10 to within 0.0043 (detects a bias of 0.01)."""
    out = all_selected_large(sol, 92)
    expect_proportion(int((out == MASK).sum()), out.size, 0.8 + 0.1 / 10,
                      name="share of selected tokens that became [MASK] (400,000 tokens)",
                      hint="an 81/10/9 or 79/11/10 split is off by 0.01")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_unchanged_share_large_sample(sol):
    """400,000 selected tokens: unchanged 0.1 + 0.1 / 10 to within 0.0035 (detects a bias of 0.01)."""
    out = all_selected_large(sol, 93)
    expect_proportion(int((out == 5).sum()), out.size, 0.1 + 0.1 / 10,
                      name="share of selected tokens left unchanged (400,000 tokens)",
                      hint="an 81/10/9 or 80/11/9 split leaves 0.1 less 0.01 unchanged")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_random_ids_uniform(sol):
    """Random replacements are uniform over [0, vocab_size), specials included (8 possible other ids)."""
    seqs = [[5] * 100 for _ in range(300)]
    inputs, _, _, eligible = mlm(sol, seqs, 91, vocab=10, p=1.0)
    out = inputs[eligible]
    others = out[(out != MASK) & (out != 5)]
    counts = np.array([(others == v).sum() for v in [0, 1, 2, 3, 6, 7, 8, 9]])
    expect_uniform(counts, name="random replacement ids 0, 1, 2, 3, 6, 7, 8, 9",
                   hint="random ids are uniform over the whole vocabulary; special ids are not excluded")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_count_per_row_is_binomial(sol):
    """2,000 rows of 50 content tokens at p = 0.15: a row has exactly 8 selected w.p. C(50, 8) 0.15^8 0.85^42."""
    seqs = [[7] * 50 for _ in range(2000)]
    _, labels, _, _ = mlm(sol, seqs, 92, p=0.15)
    per_row = (labels != -100).sum(axis=1)
    p_eight = math.comb(50, 8) * 0.15 ** 8 * 0.85 ** 42  # about 0.157
    expect_proportion(int(np.count_nonzero(per_row == 8)), per_row.size, p_eight,
                      name="share of rows with exactly 8 of 50 content tokens selected",
                      hint="near 1 (or 0) means an exact count round(p * n) per row; each position must be selected "
                           "by its own Bernoulli(p) draw")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_total_varies_between_calls(sol):
    """150 calls on 64 content tokens at p = 0.5: the total selected is Binomial(64, 0.5), exactly 32 ~10% of calls."""
    seqs = [[7] * 16 for _ in range(4)]
    rng = np.random.default_rng(93)
    n, hits = 150, 0
    for _ in range(n):
        _, labels, _, _ = mlm(sol, seqs, rng, p=0.5)
        hits += int((labels != -100).sum()) == 32
    expect_proportion(hits, n, math.comb(64, 32) / 2 ** 64, name="share of calls selecting exactly 32 of 64 tokens",
                      hint="near 1 means an exact count round(p * n) over the batch; the total must vary from call "
                           "to call")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_corruption_independent_per_position(sol):
    """At p = 1, neighbours in a row, and in a column, are both [MASK] with probability q^2 (q = 0.8 + 0.1 / V)."""
    seqs = [[5] * 50 for _ in range(1000)]  # 50,000 selected positions
    inputs, _, _, _ = mlm(sol, seqs, 94, vocab=100, p=1.0)
    mask = inputs[:, 1:51] == MASK
    q = 0.8 + 0.1 / 100
    in_rows = mask[:, 0::2] & mask[:, 1::2]  # 25,000 disjoint pairs within rows
    expect_proportion(int(in_rows.sum()), in_rows.size, q * q,
                      name="share of pairs of row neighbours that are both [MASK]",
                      hint="near 0.8 means the [MASK] / random / keep decision was drawn once per row, not once "
                           "per position")
    in_columns = mask[0::2] & mask[1::2]  # 25,000 disjoint pairs within columns
    expect_proportion(int(in_columns.sum()), in_columns.size, q * q,
                      name="share of pairs of column neighbours that are both [MASK]",
                      hint="far from 0.64 means the decision was drawn once per column and reused by every row")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("dtype", [np.int64, np.int32], ids=cases())
def test_numpy_array_sequences(sol, dtype):
    """Sequences given as 1-D NumPy arrays (int64 or int32) give the same batches as lists."""
    seqs = random_seqs(11, 5, 0, 9)
    arrays = [np.array(s, dtype=dtype) for s in seqs]
    inputs, labels, ids, eligible = mlm(sol, arrays, 12, p=1.0)
    expect_array(labels, np.where(eligible, ids, -100), name="labels of mlm_collate(array sequences, p=1)")
    inputs, labels, ids, _ = mlm(sol, arrays, 13, p=0.0, multiple=4)
    expect_array(inputs, ids, name="input_ids of mlm_collate(array sequences, p=0)")
    got = expect_sequence(sol.clm_collate(arrays, eos_id=EOS, pad_id=PAD), 3, name="clm_collate(array sequences)")
    for arr, exp, name in zip(got, plain_clm(seqs, EOS, PAD), ["input_ids", "attention_mask", "labels"], strict=True):
        expect_array(arr, exp, name=f"{name} of clm_collate(array sequences)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_many_small_batches(sol):
    """100 calls on small random batches: every invariant holds each time."""
    rng = np.random.default_rng(95)
    for i in range(100):
        mlm(sol, random_seqs(100 + i, 3, 0, 6, vocab=20), rng, vocab=20, p=0.5, multiple=[None, 4][i % 2])


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("multiple", [None, 8], ids=cases())
def test_clm_random(sol, multiple):
    """clm_collate on random sequences matches the definition."""
    seqs = random_seqs(10, 7, 0, 12)
    kwargs = {} if multiple is None else {"pad_to_multiple_of": multiple}
    got = expect_sequence(sol.clm_collate(seqs, eos_id=EOS, pad_id=PAD, **kwargs), 3, name="clm_collate")
    for arr, exp, name in zip(got, plain_clm(seqs, EOS, PAD, multiple), ["input_ids", "attention_mask", "labels"],
                              strict=True):
        expect_array(arr, exp, name=f"{name} of clm_collate")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_clm_pad_equals_eos(sol):
    """pad_id == eos_id (GPT-2 style): real eos tokens keep their label; only padding is -100."""
    seqs = [[50, 51, 52], [60]]
    got = expect_sequence(sol.clm_collate(seqs, eos_id=99, pad_id=99), 3, name="clm_collate(eos_id=pad_id=99)")
    expect_array(got[0], np.array([[50, 51, 52, 99], [60, 99, 99, 99]]), name="input_ids")
    expect_array(got[1], np.array([[1, 1, 1, 1], [1, 1, 0, 0]]), name="attention_mask")
    expect_array(got[2], np.array([[50, 51, 52, 99], [60, 99, -100, -100]]), name="labels")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("pad_eos,multiple", [(99, None), (0, 8), (1, 4)], ids=cases())
def test_clm_pad_equals_eos_random(sol, pad_eos, multiple):
    """pad_id == eos_id on random batches: labels follow the attention mask, never the id (padding only is -100)."""
    seqs = random_seqs(70 + pad_eos, 9, 0, 12)
    kwargs = {} if multiple is None else {"pad_to_multiple_of": multiple}
    got = expect_sequence(sol.clm_collate(seqs, eos_id=pad_eos, pad_id=pad_eos, **kwargs), 3,
                          name=f"clm_collate(eos_id=pad_id={pad_eos})")
    for arr, exp, name in zip(got, plain_clm(seqs, pad_eos, pad_eos, multiple),
                              ["input_ids", "attention_mask", "labels"], strict=True):
        expect_array(arr, exp, name=f"{name} of clm_collate(eos_id=pad_id={pad_eos})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_clm_text_contains_the_pad_id(sol):
    """Real tokens equal to pad_id (inside the text, and as eos) keep their labels."""
    seqs = [[5, PAD, 6], [PAD, PAD], [7]]
    got = expect_sequence(sol.clm_collate(seqs, eos_id=PAD, pad_id=PAD), 3, name="clm_collate(eos_id=pad_id)")
    for arr, exp, name in zip(got, plain_clm(seqs, PAD, PAD), ["input_ids", "attention_mask", "labels"],
                              strict=True):
        expect_array(arr, exp, name=f"{name} of clm_collate with pad ids inside the text")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_clm_empty(sol):
    """clm_collate([]) gives (0, 0) arrays; an empty sequence becomes [eos]."""
    got = expect_sequence(sol.clm_collate([], eos_id=EOS, pad_id=PAD), 3, name="clm_collate([])")
    for arr in got:
        expect_array(arr, np.zeros((0, 0), dtype=np.int64), name="clm_collate([])")
    got = expect_sequence(sol.clm_collate([[], [7, 8]], eos_id=EOS, pad_id=PAD), 3, name="clm_collate")
    expect_array(got[2], np.array([[1, -100, -100], [7, 8, 1]]), name="labels of clm_collate([[], [7, 8]])")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_clm_bad_multiple(sol):
    """clm_collate with pad_to_multiple_of 0 raises ValueError naming pad_to_multiple_of."""
    expect_raises(ValueError, sol.clm_collate, [[5]], eos_id=EOS, pad_id=PAD, pad_to_multiple_of=0,
                  match="pad_to_multiple_of")
