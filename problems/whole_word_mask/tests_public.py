"""Public tests for whole_word_mask: run them with `judge test whole_word_mask`."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises

# [CLS] the un ##believ ##able cat sat [SEP]
WORD_IDS = np.array([-1, 0, 1, 1, 1, 2, 3, -1])


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_probability_one(sol):
    """p = 1: budget 8 >= 6 word tokens, every word is taken, the specials are not."""
    got = sol.whole_word_mask(WORD_IDS, 1.0, rng=np.random.default_rng(0))
    expect_array(got, WORD_IDS >= 0, name="whole_word_mask(word_ids, 1.0)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_statement_budget_two(sol, seed):
    """p = 0.25: budget round(8 * 0.25) = 2; the 3-token word never fits, so exactly two one-token words."""
    got = sol.whole_word_mask(WORD_IDS, 0.25, rng=np.random.default_rng(seed))
    if isinstance(got, np.ndarray) and got.dtype == bool and got.shape == (8,):
        if got[[0, 2, 3, 4, 7]].any():
            raise CheckFailure(f"wrong values: whole_word_mask(word_ids, 0.25) = {got.astype(int)}: only the "
                               "one-token words 'the', 'cat', 'sat' (positions 1, 5, 6) fit in the budget of 2")
        if got.sum() != 2:
            raise CheckFailure(f"wrong values: whole_word_mask(word_ids, 0.25) = {got.astype(int)}: two of positions "
                               "1, 5, 6 must be selected (budget 2; a word that fits is taken, count + L <= budget)")
    else:
        expect_array(got, np.zeros(8, dtype=bool), name="whole_word_mask(word_ids, 0.25) (bool, shape (8,))")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_probability(sol):
    """mlm_probability outside [0, 1] raises ValueError naming mlm_probability."""
    expect_raises(ValueError, sol.whole_word_mask, WORD_IDS, -0.5, rng=np.random.default_rng(0),
                  match="mlm_probability")
