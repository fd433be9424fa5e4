"""Hidden tests for select_mlm_positions.

Exact checks use the definition (p = 0 and p = 1 are deterministic); statistical checks use fixed seeds and
Bernstein / chi-square bands whose false-failure rate is below 1e-9, so any correct order of draws passes.
"""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_proportion, expect_raises, expect_uniform
from judge.checkers.case_ids import cases


def padded_special(rows, lengths, width):
    """[CLS] at 0, [SEP] at length - 1, padding after: all special."""
    special = np.ones((rows, width), dtype=bool)
    for r in range(rows):
        n = lengths[r]
        special[r, 1:n - 1] = False
    return special


def checked(got, special, name):
    """Type, dtype, shape and 'specials never selected', then return the mask."""
    expect_array(got & special if isinstance(got, np.ndarray) and got.shape == special.shape else got,
                 np.zeros(special.shape, dtype=bool), name=f"{name} at special positions")
    return got


BIG_ROWS, BIG_WIDTH = 2000, 130
BIG_SPECIAL = padded_special(BIG_ROWS, [BIG_WIDTH - 2 * (r % 8) for r in range(BIG_ROWS)], BIG_WIDTH)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("p", [0.0, 1.0], ids=cases())
def test_degenerate_exact(sol, p):
    """p = 0 selects nothing and p = 1 selects exactly the non-special positions."""
    special = padded_special(5, [9, 4, 2, 7, 12], 12)
    got = sol.select_mlm_positions(special, p, rng=np.random.default_rng(3))
    expected = np.zeros_like(special) if p == 0.0 else ~special
    expect_array(got, expected, name=f"select_mlm_positions(special, {p})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_int_special_mask(sol):
    """A 0/1 integer special_tokens_mask works like the bool one (1 = special)."""
    special = padded_special(3, [6, 3, 8], 8)
    got = sol.select_mlm_positions(special.astype(np.int64), 1.0, rng=np.random.default_rng(4))
    expect_array(got, ~special, name="select_mlm_positions(int64 special mask, 1.0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(0, 7), (4, 0), (0, 0), (1, 1)], ids=cases())
def test_empty_and_tiny(sol, shape):
    """Empty and 1x1 inputs give a bool array of the same shape."""
    special = np.zeros(shape, dtype=bool)
    got = sol.select_mlm_positions(special, 1.0, rng=np.random.default_rng(5))
    expect_array(got, np.ones(shape, dtype=bool), name=f"select_mlm_positions(zeros{shape}, 1.0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("p", [-0.01, 1.01], ids=cases())
def test_bad_probability_hidden(sol, p):
    """mlm_probability outside [0, 1] raises ValueError naming mlm_probability."""
    expect_raises(ValueError, sol.select_mlm_positions, np.zeros((2, 3), dtype=bool), p,
                  rng=np.random.default_rng(0), match="mlm_probability")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)], ids=cases())
def test_bad_ndim(sol, shape):
    """A special_tokens_mask that is not 2-D raises ValueError naming special_tokens_mask."""
    expect_raises(ValueError, sol.select_mlm_positions, np.zeros(shape, dtype=bool), 0.15,
                  rng=np.random.default_rng(0), match="special_tokens_mask")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible(sol):
    """Two generators with the same seed give the same selection."""
    special = padded_special(16, [40] * 16, 40)
    a = sol.select_mlm_positions(special, 0.3, rng=np.random.default_rng(77))
    b = sol.select_mlm_positions(special, 0.3, rng=np.random.default_rng(77))
    expect_array(b, checked(a, special, "first call"), name="second call with the same seed")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_seeds_and_calls_differ(sol):
    """Different seeds, and two calls on one generator, give different selections."""
    special = padded_special(16, [40] * 16, 40)
    rng = np.random.default_rng(11)
    a = checked(sol.select_mlm_positions(special, 0.3, rng=rng), special, "first call")
    b = checked(sol.select_mlm_positions(special, 0.3, rng=rng), special, "second call")
    c = checked(sol.select_mlm_positions(special, 0.3, rng=np.random.default_rng(12)), special, "other seed")
    # 608 eligible positions at p = 0.3: two independent draws agree everywhere with probability < 1e-100.
    assert not np.array_equal(a, b), "two calls on one generator returned the same selection"
    assert not np.array_equal(a, c), "two different seeds returned the same selection"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random state is not used."""
    before = sol.global_random_state()
    sol.select_mlm_positions(padded_special(4, [10] * 4, 10), 0.5, rng=np.random.default_rng(0))
    assert sol.global_random_state() == before, "select_mlm_positions changed the global np.random state"


@pytest.mark.points(2)
@pytest.mark.category("statistics")
@pytest.mark.parametrize("p,seed", [(0.15, 100), (0.5, 101), (0.03, 102), (0.0125, 103)], ids=cases())
def test_selection_rate(sol, p, seed):
    """The share of selected eligible positions matches mlm_probability (Bernstein band, 1e-10)."""
    got = checked(sol.select_mlm_positions(BIG_SPECIAL, p, rng=np.random.default_rng(seed)), BIG_SPECIAL,
                  f"select_mlm_positions(special, {p})")
    n = int((~BIG_SPECIAL).sum())
    share = got.sum() / n
    hint = None
    if abs(share - (1 - p)) < 0.02 and abs(p - 0.5) > 0.1:
        hint = "about 1 - p suggests the comparison is reversed (draw > p)"
    elif p == 0.0125 and abs(share - 0.02) < 0.002:
        hint = "about 0.02 suggests the probability was rounded to a grid (integer percentages); compare a uniform " \
               "float in [0, 1) with p"
    expect_proportion(int(got.sum()), n, p, name=f"selected share of eligible positions at p={p}", hint=hint)


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_positions_uniform(sol):
    """Every eligible column is selected equally often (chi-square, z = 7)."""
    special = padded_special(3000, [66] * 3000, 66)
    got = checked(sol.select_mlm_positions(special, 0.15, rng=np.random.default_rng(200)), special,
                  "select_mlm_positions")
    expect_uniform(got[:, 1:65].sum(axis=0), name="selections per column",
                   hint="some positions are favoured or never chosen")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_count_per_row_is_binomial(sol):
    """The number selected per row is Binomial(100, 0.15), not a fixed count: P(exactly 15) = 0.1111."""
    special = padded_special(4000, [102] * 4000, 102)
    got = checked(sol.select_mlm_positions(special, 0.15, rng=np.random.default_rng(300)), special,
                  "select_mlm_positions")
    counts = got.sum(axis=1)
    p15 = math.comb(100, 15) * 0.15 ** 15 * 0.85 ** 85
    expect_proportion(int((counts == 15).sum()), len(counts), p15,
                      name="share of rows (100 eligible) with exactly 15 selected",
                      hint="1.0 means an exact count per row (BERT's recipe), "
                           "not one Bernoulli draw per position")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_total_varies_between_calls(sol):
    """150 calls on 64 eligible positions at p = 0.5: the total is Binomial(64, 0.5), exactly 32 only ~10% of calls."""
    special = padded_special(4, [18] * 4, 18)
    rng = np.random.default_rng(500)
    n, hits = 150, 0
    for _ in range(n):
        got = checked(sol.select_mlm_positions(special, 0.5, rng=rng), special, "select_mlm_positions")
        hits += int(got.sum()) == 32
    expect_proportion(hits, n, math.comb(64, 32) / 2 ** 64, name="share of calls selecting exactly 32 of 64 positions",
                      hint="near 1 means an exact count round(p * n) over the batch; every position needs its own "
                           "Bernoulli draw, so the total varies from call to call")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_rows_independent(sol):
    """Rows are drawn independently: two rows agree at a position with probability p^2 + (1-p)^2."""
    special = padded_special(2000, [66] * 2000, 66)
    got = checked(sol.select_mlm_positions(special, 0.3, rng=np.random.default_rng(400)), special,
                  "select_mlm_positions")
    inner = got[:, 1:65]
    agree = inner[0::2] == inner[1::2]
    expect_proportion(int(agree.sum()), agree.size, 0.3 ** 2 + 0.7 ** 2,
                      name="share of positions where row 2k and row 2k+1 agree",
                      hint="1.0 means every row got the same mask (one draw of shape (T,) broadcast)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_mixed_specials_large(sol):
    """A random special pattern: specials never selected, every eligible position selected at p = 1."""
    special = np.random.default_rng(9).random((64, 300)) < 0.3
    got = sol.select_mlm_positions(special, 1.0, rng=np.random.default_rng(10))
    expect_array(got, ~special, name="select_mlm_positions(random specials, 1.0)")
    half = checked(sol.select_mlm_positions(special, 0.5, rng=np.random.default_rng(10)), special,
                   "select_mlm_positions(random specials, 0.5)")
    if not half.any():
        raise CheckFailure("wrong values: nothing selected at p = 0.5 over 13,000 eligible positions")
