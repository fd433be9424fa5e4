"""Public tests for select_mlm_positions: run them with `judge test select_mlm_positions`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

SPECIAL = np.array(
    [[True, False, False, False, True, True],
     [True, False, False, False, False, True]]
)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_probability_one_statement_example(sol):
    """mlm_probability 1.0 selects exactly the non-special positions (statement example)."""
    got = sol.select_mlm_positions(SPECIAL, 1.0, rng=np.random.default_rng(0))
    expect_array(got, ~SPECIAL, name="select_mlm_positions(special, 1.0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_probability_zero(sol):
    """mlm_probability 0.0 selects nothing."""
    got = sol.select_mlm_positions(SPECIAL, 0.0, rng=np.random.default_rng(0))
    expect_array(got, np.zeros(SPECIAL.shape, dtype=bool), name="select_mlm_positions(special, 0.0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_specials_never_selected(sol):
    """With mlm_probability 0.5, the result is bool (B, T) and False at every special position."""
    got = sol.select_mlm_positions(SPECIAL, 0.5, rng=np.random.default_rng(1))
    expect_array(got & SPECIAL if isinstance(got, np.ndarray) and got.shape == SPECIAL.shape else got,
                 np.zeros(SPECIAL.shape, dtype=bool), name="select_mlm_positions(special, 0.5) & special")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_probability(sol):
    """mlm_probability outside [0, 1] raises ValueError naming mlm_probability."""
    expect_raises(ValueError, sol.select_mlm_positions, SPECIAL, 1.5, rng=np.random.default_rng(0),
                  match="mlm_probability")
