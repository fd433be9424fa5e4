"""Hidden tests for bert_mask_tokens. They accept any order of random draws: deterministic invariants on every
call, exact degenerate settings, reproducibility, and statistical bands with fixed seeds (Bernstein bands, chi-square
at z = 7 and exact Chernoff bands on the spread of per-call counts, each failing a correct solution with probability
below 1e-10)."""

import functools
import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    expect_array,
    expect_band,
    expect_bool,
    expect_proportion,
    expect_raises,
    expect_sequence,
    expect_uniform,
)
from judge.checkers.case_ids import cases

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4  # toy vocabulary; ordinary ids start at 5
FAIL_PROB = 1e-10  # false-failure budget of one statistical check


def call(sol, ids, special, rng, vocab=100, **kwargs):
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    out = sol.bert_mask_tokens(ids, special, mask_token_id=MASK, vocab_size=vocab, rng=rng, **kwargs)
    return expect_sequence(out, 2, name="bert_mask_tokens(...)")


def check_invariants(ids, special, inputs, labels, vocab):
    """What must hold for every correct draw; returns the selection."""
    ids = np.asarray(ids)
    special = np.asarray(special).astype(bool)
    for name, arr in (("inputs", inputs), ("labels", labels)):
        if type(arr) is not np.ndarray or arr.dtype != np.int64 or arr.shape != ids.shape:
            expect_array(arr, np.zeros(ids.shape, dtype=np.int64), name=f"{name} of bert_mask_tokens")
    selected = labels != -100
    if (selected & special).any():
        raise CheckFailure("labels of bert_mask_tokens: a special position was selected (it has a label, "
                           "not -100)")
    if (selected & (labels != ids)).any():
        raise CheckFailure("labels of bert_mask_tokens: a selected label is not the original id")
    if (~selected & (inputs != ids)).any():
        raise CheckFailure("inputs of bert_mask_tokens: an unselected position (label -100) was changed")
    if (selected & ((inputs < 0) | (inputs >= vocab))).any():
        raise CheckFailure("inputs of bert_mask_tokens: a selected input is not an id in [0, vocab_size)")
    return selected


def padded_batch(seed, rows, max_real, vocab=100, min_real=1):
    """[CLS] w ... w [SEP] [PAD] ...: ordinary ids in [5, vocab), real lengths in [min_real, max_real]
    (fresh copies of a batch built once per test session)."""
    ids, special = _padded_batch(seed, rows, max_real, vocab, min_real)
    return ids.copy(), special.copy()


@functools.cache
def _padded_batch(seed, rows, max_real, vocab, min_real):
    gen = np.random.default_rng(seed)
    lengths = gen.integers(min_real, max_real + 1, size=(rows, 1))
    words = gen.integers(5, vocab, size=(rows, max_real + 2))
    col = np.arange(max_real + 2)
    ids = np.where(col == 0, CLS, np.where(col <= lengths, words, np.where(col == lengths + 1, SEP, PAD)))
    return ids.astype(np.int64), np.isin(ids, [PAD, CLS, SEP])


def full_batch(seed, rows, length, vocab=100):
    """Every row [CLS] + length ordinary ids + [SEP]: the same number of eligible positions per row/column."""
    return padded_batch(seed, rows, length, vocab, min_real=length)


# ----------------------------------------------------------------------------------------------------------
# Invariants on every call
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("kwargs", [
    {},
    {"mlm_probability": 0.5},
    {"mlm_probability": 0.6, "mask_replace_prob": 0.5, "random_replace_prob": 0.5},
    {"mlm_probability": 0.6, "mask_replace_prob": 0.3, "random_replace_prob": 0.7},
    {"mlm_probability": 0.9, "mask_replace_prob": 0.0, "random_replace_prob": 0.25},
], ids=cases())
def test_invariants(sol, kwargs):
    """Every call: int64 outputs, labels -100 off the selection and original on it, specials never selected."""
    ids, special = padded_batch(1, 64, 40)
    rng = np.random.default_rng(2)
    for _ in range(3):
        inputs, labels = call(sol, ids, special, rng, **kwargs)
        check_invariants(ids, special, inputs, labels, 100)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_one_dimensional_input(sol):
    """A single 1-D sequence works the same way (outputs of shape (T,))."""
    ids, special = padded_batch(3, 1, 30)
    inputs, labels = call(sol, ids[0], special[0], 4, mlm_probability=0.5)
    check_invariants(ids[0], special[0], inputs, labels, 100)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_other_dtypes(sol):
    """int32 input_ids and an integer 0/1 special_tokens_mask give int64 outputs."""
    ids, special = padded_batch(5, 16, 20)
    inputs, labels = call(sol, ids.astype(np.int32), special.astype(np.int64), 6, mlm_probability=0.5)
    check_invariants(ids, special, inputs, labels, 100)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_input(sol):
    """An empty batch gives two empty int64 arrays of its shape."""
    ids = np.zeros((0, 7), dtype=np.int64)
    inputs, labels = call(sol, ids, np.zeros((0, 7), dtype=bool), 0)
    expect_array(inputs, ids, name="inputs of bert_mask_tokens(empty batch)")
    expect_array(labels, ids, name="labels of bert_mask_tokens(empty batch)")


# ----------------------------------------------------------------------------------------------------------
# Degenerate settings, exactly
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_p_zero_exact(sol):
    """mlm_probability=0: inputs unchanged, labels all -100."""
    ids, special = padded_batch(7, 32, 50)
    inputs, labels = call(sol, ids, special, 8, mlm_probability=0.0)
    expect_array(inputs, ids, name="inputs of bert_mask_tokens(p=0)")
    expect_array(labels, np.full(ids.shape, -100, dtype=np.int64), name="labels of bert_mask_tokens(p=0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_p_one_labels_exact(sol):
    """mlm_probability=1 selects every non-special position: labels = original there, -100 on specials."""
    ids, special = padded_batch(9, 32, 50)
    inputs, labels = call(sol, ids, special, 10, mlm_probability=1.0)
    expect_array(labels, np.where(special, -100, ids), name="labels of bert_mask_tokens(p=1)")
    check_invariants(ids, special, inputs, labels, 100)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_mask_exact(sol):
    """mlm_probability=1, mask_replace_prob=1: every non-special input becomes [MASK]."""
    ids, special = padded_batch(11, 32, 50)
    inputs, labels = call(sol, ids, special, 12, mlm_probability=1.0, mask_replace_prob=1.0,
                          random_replace_prob=0.0)
    expect_array(inputs, np.where(special, ids, MASK), name="inputs of bert_mask_tokens(p=1, pm=1)")
    expect_array(labels, np.where(special, -100, ids), name="labels of bert_mask_tokens(p=1, pm=1)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_mask_replace_one_exact(sol):
    """mask_replace_prob=1: every selected input is [MASK], whatever the selection."""
    ids, special = padded_batch(13, 64, 50)
    inputs, labels = call(sol, ids, special, 14, mlm_probability=0.4, mask_replace_prob=1.0,
                          random_replace_prob=0.0)
    selected = check_invariants(ids, special, inputs, labels, 100)
    expect_array(inputs, np.where(selected, MASK, ids), name="inputs of bert_mask_tokens(p=0.4, pm=1)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_both_zero_exact(sol):
    """mask_replace_prob=0 and random_replace_prob=0: inputs unchanged, labels still set on the selection."""
    ids, special = padded_batch(15, 64, 50)
    inputs, labels = call(sol, ids, special, 16, mlm_probability=0.4, mask_replace_prob=0.0,
                          random_replace_prob=0.0)
    selected = check_invariants(ids, special, inputs, labels, 100)
    expect_array(inputs, ids, name="inputs of bert_mask_tokens(pm=0, pr=0)")
    expect_bool(bool(selected.any()), True, name="some position selected at p=0.4")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_random_replace_one(sol):
    """random_replace_prob=1: every selected position gets a uniform id in [0, V), specials and [MASK] included."""
    vocab = 20
    ids, special = full_batch(17, 400, 50, vocab=vocab)  # 20,000 eligible positions
    inputs, labels = call(sol, ids, special, 18, vocab=vocab, mlm_probability=1.0, mask_replace_prob=0.0,
                          random_replace_prob=1.0)
    selected = check_invariants(ids, special, inputs, labels, vocab)
    expect_array(labels, np.where(special, -100, ids), name="labels of bert_mask_tokens(p=1, pm=0, pr=1)")
    drawn = inputs[selected]
    expect_uniform(np.bincount(drawn, minlength=vocab), name="random ids over [0, 20)",
                   hint="random ids are drawn uniformly from the whole [0, vocab_size): specials, [MASK] and "
                        "the original id included")
    expect_proportion(int(np.count_nonzero(drawn == ids[selected])), drawn.size, 1 / vocab,
                      name="share of random ids equal to the original",
                      hint="the random id may equal the original; near 1 means the original was kept")


# ----------------------------------------------------------------------------------------------------------
# Reproducibility and purity
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible(sol):
    """Two fresh generators with one seed give identical outputs."""
    ids, special = padded_batch(19, 50, 60)
    first = call(sol, ids, special, 20)
    second = call(sol, ids, special, 20)
    expect_array(second[0], first[0], name="inputs of a second call with the same seed")
    expect_array(second[1], first[1], name="labels of a second call with the same seed")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_different_seeds_differ(sol):
    """Different seeds give different selections."""
    ids, special = padded_batch(21, 50, 60)
    first = call(sol, ids, special, 1)
    second = call(sol, ids, special, 2)
    expect_bool(bool(np.array_equal(first[1], second[1])), False, name="labels equal under seeds 1 and 2")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_generator_advances(sol):
    """Two calls with one generator draw different numbers (the rng argument is used)."""
    ids, special = padded_batch(23, 50, 60)
    rng = np.random.default_rng(3)
    first = call(sol, ids, special, rng)
    second = call(sol, ids, special, rng)
    expect_bool(bool(np.array_equal(first[1], second[1])), False, name="labels equal for two calls on one rng")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random and random states are untouched."""
    ids, special = padded_batch(25, 50, 60)
    before = sol.global_random_state()
    call(sol, ids, special, 4)
    expect_bool(sol.global_random_state() == before, True, name="global random state unchanged by the call")


# ----------------------------------------------------------------------------------------------------------
# Statistics (fixed seeds, any draw order)
# ----------------------------------------------------------------------------------------------------------

def default_split(sol, seed, **kwargs):
    ids, special = padded_batch(seed, 2000, 60, min_real=40)  # about 100,000 eligible positions, 124,000 in all
    inputs, labels = call(sol, ids, special, seed + 1, **kwargs)
    selected = check_invariants(ids, special, inputs, labels, 100)
    orig, new = ids[selected], inputs[selected]
    return ids, special, selected, orig, new


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_selection_rate(sol):
    """The share of eligible positions selected is mlm_probability = 0.15."""
    _, special, selected, _, _ = default_split(sol, 31)
    expect_proportion(int(selected.sum()), int((~special).sum()), 0.15, name="share of eligible positions selected",
                      hint="near 0.85 suggests p and 1 - p swapped; pads and specials must not count as eligible")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_mask_share(sol):
    """Among selected positions, [MASK] appears with probability 0.8 + 0.1 / V."""
    _, _, _, _, new = default_split(sol, 33)
    expect_proportion(int(np.count_nonzero(new == MASK)), new.size, 0.8 + 0.1 / 100,
                      name="share of selected inputs that are [MASK]",
                      hint="0.8 of the selected positions become [MASK], plus random ids that happen to be [MASK]")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_unchanged_share(sol):
    """Among selected positions, the original id stays with probability 0.1 + 0.1 / V."""
    _, _, _, orig, new = default_split(sol, 35)
    expect_proportion(int(np.count_nonzero(new == orig)), new.size, 0.1 + 0.1 / 100,
                      name="share of selected inputs left unchanged",
                      hint="near 0 suggests a random id for every selected position that is not [MASK]; near 0.18 "
                           "suggests random_replace_prob was used among the non-[MASK] positions instead of "
                           "random_replace_prob / (1 - mask_replace_prob)")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_random_share(sol):
    """Among selected positions, another ordinary or special id appears with probability 0.1 * (V - 2) / V."""
    _, _, _, orig, new = default_split(sol, 37)
    expect_proportion(int(np.count_nonzero((new != orig) & (new != MASK))), new.size, 0.1 * 98 / 100,
                      name="share of selected inputs replaced by another id",
                      hint="the random share is 0.1 of the selected positions: near 0.2 means every non-[MASK] "
                           "position got a random id, near 0.02 means 0.1 of the remaining 0.2 did")


def every_position_selected(sol, seed):
    """4000 rows of 100 ordinary ids with mlm_probability = 1: 400,000 selected positions (the split's power).

    Bernstein half-widths at false failure 1e-10 with n = 400,000: 0.0044 at p = 0.801, 0.0033 at p = 0.101,
    0.0031 at p = 0.098; a bias of 0.01 in any of the three shares (81/10/9, 80/9/11, 79/11/10, ...) puts the
    mutant's share outside the band except with probability below 1e-10 (0.01 > two half-widths)."""
    ids, special = full_batch(seed, 4000, 100)
    inputs, labels = call(sol, ids, special, seed + 1, mlm_probability=1.0)
    selected = check_invariants(ids, special, inputs, labels, 100)
    return ids[selected], inputs[selected]


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_mask_share_large_sample(sol):
    """400,000 selected positions: the [MASK] share is 0.8 + 0.1 / V to within 0.0044 (detects a bias of 0.01)."""
    orig, new = every_position_selected(sol, 61)
    expect_proportion(int(np.count_nonzero(new == MASK)), new.size, 0.8 + 0.1 / 100,
                      name="share of selected inputs that are [MASK] (400,000 positions)",
                      hint="an 81/10/9 or 79/11/10 split is off by 0.01")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_unchanged_share_large_sample(sol):
    """400,000 selected positions: the unchanged share is 0.1 + 0.1 / V to within 0.0033."""
    orig, new = every_position_selected(sol, 63)
    expect_proportion(int(np.count_nonzero(new == orig)), new.size, 0.1 + 0.1 / 100,
                      name="share of selected inputs left unchanged (400,000 positions)",
                      hint="an 81/10/9 or 80/11/9 split leaves 0.09 unchanged")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_random_share_large_sample(sol):
    """400,000 selected positions: the share replaced by another id is 0.1 * (V - 2) / V to within 0.0031."""
    orig, new = every_position_selected(sol, 65)
    expect_proportion(int(np.count_nonzero((new != orig) & (new != MASK))), new.size, 0.1 * 98 / 100,
                      name="share of selected inputs replaced by another id (400,000 positions)",
                      hint="an 80/9/11 or 80/11/9 split is off by 0.01")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_custom_split(sol):
    """mask_replace_prob=0.5, random_replace_prob=0.4: [MASK] 0.5 + 0.4 / V, unchanged 0.1 + 0.4 / V."""
    _, _, _, orig, new = default_split(sol, 39, mlm_probability=0.3, mask_replace_prob=0.5, random_replace_prob=0.4)
    expect_proportion(int(np.count_nonzero(new == MASK)), new.size, 0.5 + 0.4 / 100,
                      name="share of selected inputs that are [MASK] (pm=0.5, pr=0.4)")
    expect_proportion(int(np.count_nonzero(new == orig)), new.size, 0.1 + 0.4 / 100,
                      name="share of selected inputs left unchanged (pm=0.5, pr=0.4)",
                      hint="the conditional share among non-[MASK] positions is pr / (1 - pm) = 0.8")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_positions_uniform(sol):
    """Selections spread evenly over the positions of a row (chi-square over columns)."""
    ids, special = full_batch(41, 2000, 50)
    inputs, labels = call(sol, ids, special, 42)
    selected = check_invariants(ids, special, inputs, labels, 100)
    expect_uniform(selected[:, 1:51].sum(axis=0), name="selected count per column",
                   hint="each position is selected independently: not the first positions, not one mask per batch")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_rows_independent(sol):
    """The number selected per row is binomial, not fixed (share of rows with exactly 8 of 50 selected)."""
    ids, special = full_batch(43, 2000, 50)
    inputs, labels = call(sol, ids, special, 44)
    selected = check_invariants(ids, special, inputs, labels, 100)
    per_row = selected.sum(axis=1)
    p_eight = math.comb(50, 8) * 0.15 ** 8 * 0.85 ** 42  # about 0.157 under Binomial(50, 0.15)
    expect_proportion(int(np.count_nonzero(per_row == 8)), per_row.size, p_eight,
                      name="share of rows with exactly 8 of 50 positions selected",
                      hint="near 1 (or 0) suggests an exact count round(p * n) per row instead of an independent "
                           "Bernoulli(p) draw per position")


def log_binomial_pmf(n, p):
    """log P(X = x) for x = 0, ..., n and X ~ Binomial(n, p), 0 < p < 1."""
    x = np.arange(n + 1)
    log_comb = np.concatenate(([0.0], np.cumsum(np.log(n - x[1:] + 1.0) - np.log(x[1:]))))
    return log_comb + x * math.log(p) + (n - x) * math.log1p(-p)


def dispersion_band(n, p, calls, fail_prob):
    """[low, high] for D = sum over `calls` independent Binomial(n, p) counts X of (X - n p)^2 / (n p (1 - p)).

    D is about chi-square with `calls` degrees of freedom: a fixed count gives D = 0, a count that varies less than
    a binomial one gives a small D. Both ends are Chernoff bounds summed exactly over the binomial pmf (no normal
    approximation, valid for the discrete counts): for every t > 0, P(D <= c) <= exp(t c) E[exp(-t Z^2)]^calls
    and P(D >= c) <= exp(-t c) E[exp(t Z^2)]^calls; each end gets fail_prob / 2, optimised over a grid of t.
    """
    log_pmf = log_binomial_pmf(n, p)
    z2 = (np.arange(n + 1) - n * p) ** 2 / (n * p * (1 - p))

    def log_mgf(t):  # log E[exp(t Z^2)] for each t of the grid
        a = log_pmf + t[:, None] * z2
        top = a.max(axis=1)
        return top + np.log(np.exp(a - top[:, None]).sum(axis=1))

    log_fail = math.log(fail_prob / 2)
    t_low = np.geomspace(0.1, 1e3, 41)
    low = float(np.max((log_fail - calls * log_mgf(-t_low)) / t_low))
    t_high = np.linspace(0.02, 0.48, 24)
    high = float(np.min((calls * log_mgf(t_high) - log_fail) / t_high))
    return max(low, 0.0), high


def expect_binomial_dispersion(counts, n, p, *, name, hint, fail_prob=FAIL_PROB):
    """Counts from independent calls must spread like Binomial(n, p) draws: D (above) within its band."""
    counts = np.asarray(counts, dtype=np.float64)
    low, high = dispersion_band(n, p, counts.size, fail_prob)
    d = float(((counts - n * p) ** 2).sum() / (n * p * (1 - p)))
    expect_band(d, low, high, name=name, n=counts.size, hint=hint)


# D, the dispersion, is the sum over the calls of the squared z-scores (X - n p)^2 / (n p (1 - p)).
# Power of the two tests below (32 calls each, instead of 150). An exact count (round(p * n) over the batch or per
# row, or an exact [MASK] / random / keep split) gives the same count on every call: D = 0 exactly (n p is a whole
# number, per row too; a random id is [MASK] or the original with probability 2 / 30522), while the lower end of
# the band is 2.93 (2.71 for each of the three counts of the split test; D has mean 32). A count that varies with
# only a share r of the binomial variance (say, a share r of the positions drawn, the rest split exactly) gives
# D ~ r * chi2(32), caught with probability 0.96 / 0.92 at r = 1/16 and 0.49 / 0.37 at r = 3/32; the former tests
# (share of 150 calls with exactly 32 of 64) caught it with probability 0.87 and 0.32. Counts that vary too much
# (one draw reused by every row) exceed the upper end (about 122), which the former tests did not check.
VARY_CALLS = 32


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_selected_count_varies_between_calls(sol):
    """32 calls on 1,000 eligible positions at p = 0.5: the selected counts spread like Binomial(1000, 0.5) draws."""
    ids, special = full_batch(53, 20, 50)  # 20 rows of 50 eligible positions
    n = int((~special).sum())
    rng = np.random.default_rng(54)
    counts = []
    for _ in range(VARY_CALLS):
        inputs, labels = call(sol, ids, special, rng, mlm_probability=0.5)
        counts.append(int(check_invariants(ids, special, inputs, labels, 100).sum()))
    expect_binomial_dispersion(counts, n, 0.5,
                               name=f"dispersion over {VARY_CALLS} calls of the selected count",
                               hint="near 0 means an exact count round(p * n) over the batch or per row: each "
                                    "position must be selected by its own Bernoulli(p) draw, so the total varies "
                                    "from call to call; far above means a wrong share or draws shared by positions")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_mask_count_varies_between_calls(sol):
    """32 calls at p = 1, pm = 0.5, pr = 0.25 on 1,000 positions: [MASK] / random / unchanged counts vary binomially."""
    vocab = 30522  # BERT's vocabulary: a random id is rarely [MASK] or the original
    ids, special = full_batch(55, 20, 50, vocab=vocab)
    eligible = ~special
    n, orig = int(eligible.sum()), ids[eligible]
    rng = np.random.default_rng(56)
    masked, replaced, kept = [], [], []
    for _ in range(VARY_CALLS):
        inputs, labels = call(sol, ids, special, rng, vocab=vocab, mlm_probability=1.0, mask_replace_prob=0.5,
                              random_replace_prob=0.25)
        check_invariants(ids, special, inputs, labels, vocab)
        new = inputs[eligible]
        masked.append(int(np.count_nonzero(new == MASK)))
        kept.append(int(np.count_nonzero(new == orig)))
        replaced.append(n - masked[-1] - kept[-1])  # original ids are never [MASK]
    hint = ("near 0 means exact counts round(pm * k) / round(pr * k) were split off by shuffling; each selected "
            "position must draw its own [MASK] / random / keep outcome; far above means wrong shares or one draw "
            "shared by a row")
    for counts, p, what in ((masked, 0.5 + 0.25 / vocab, "[MASK]"), (replaced, 0.25 * (vocab - 2) / vocab, "random"),
                            (kept, 0.25 + 0.25 / vocab, "unchanged")):
        expect_binomial_dispersion(counts, n, p, name=f"dispersion over {VARY_CALLS} calls of the {what} count",
                                   hint=hint, fail_prob=FAIL_PROB / 3)


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_corruption_independent_per_position(sol):
    """At p = 1, neighbours in a row, and in a column, are both [MASK] with probability q^2 (q = 0.8 + 0.1 / V)."""
    ids, special = full_batch(57, 1000, 50)  # 50,000 selected positions
    inputs, labels = call(sol, ids, special, 58, mlm_probability=1.0)
    check_invariants(ids, special, inputs, labels, 100)
    mask = inputs[:, 1:51] == MASK
    q = 0.8 + 0.1 / 100
    in_rows = mask[:, 0::2] & mask[:, 1::2]  # 25,000 disjoint pairs (r, 2j), (r, 2j + 1)
    expect_proportion(int(in_rows.sum()), in_rows.size, q * q,
                      name="share of pairs of row neighbours that are both [MASK]",
                      hint="near 0.8 means the [MASK] / random / keep decision was drawn once per row, not once "
                           "per position")
    in_columns = mask[0::2] & mask[1::2]  # 25,000 disjoint pairs (2i, t), (2i + 1, t)
    expect_proportion(int(in_columns.sum()), in_columns.size, q * q,
                      name="share of pairs of column neighbours that are both [MASK]",
                      hint="far from 0.64 means the decision was drawn once per column (shape (T,)) and reused by "
                           "every row")


# ----------------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kwargs,match", [
    ({"mlm_probability": -0.1}, "mlm_probability"),
    ({"mlm_probability": 1.01}, "mlm_probability"),
    ({"mask_replace_prob": 1.2, "random_replace_prob": 0.0}, "mask_replace_prob"),
    ({"mask_replace_prob": -0.2}, "mask_replace_prob"),
    ({"random_replace_prob": -0.5}, "random_replace_prob"),
    ({"random_replace_prob": 1.5, "mask_replace_prob": 0.0}, "random_replace_prob"),
    ({"mask_replace_prob": 0.9, "random_replace_prob": 0.2}, "replace_prob"),
    ({"mask_replace_prob": 0.6, "random_replace_prob": 0.6}, "replace_prob"),
    ({"vocab": 0}, "vocab_size"),
], ids=cases())
def test_invalid_arguments(sol, kwargs, match):
    """Probabilities outside [0, 1], pm + pr > 1 or vocab_size < 1 raise ValueError naming the argument."""
    ids, special = padded_batch(45, 4, 10)
    kwargs = dict(kwargs)
    vocab = kwargs.pop("vocab", 100)
    expect_raises(ValueError, sol.bert_mask_tokens, ids, special, mask_token_id=MASK, vocab_size=vocab,
                  rng=np.random.default_rng(0), match=match, **kwargs)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_shapes_and_dtypes(sol):
    """A special_tokens_mask of another shape, or float input_ids, raise ValueError naming the argument."""
    ids, special = padded_batch(47, 4, 10)
    expect_raises(ValueError, sol.bert_mask_tokens, ids, special[:, :-1], mask_token_id=MASK, vocab_size=100,
                  rng=np.random.default_rng(0), match="special_tokens_mask")
    expect_raises(ValueError, sol.bert_mask_tokens, ids.astype(np.float64), special, mask_token_id=MASK,
                  vocab_size=100, rng=np.random.default_rng(0), match="input_ids")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("pm,pr", [(0.5, 0.5), (0.25, 0.75), (0.0, 1.0), (1.0, 0.0)], ids=cases())
def test_sum_exactly_one_allowed(sol, pm, pr):
    """mask_replace_prob + random_replace_prob == 1 is allowed (nothing is left unchanged but by chance)."""
    ids, special = padded_batch(49, 32, 40)
    inputs, labels = call(sol, ids, special, 50, mlm_probability=0.5, mask_replace_prob=pm, random_replace_prob=pr)
    check_invariants(ids, special, inputs, labels, 100)
