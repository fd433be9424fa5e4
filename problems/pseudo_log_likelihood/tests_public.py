"""Public tests for pseudo_log_likelihood: run them with `judge test pseudo_log_likelihood`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_array, expect_float, expect_raises, expect_sequence

IDS = np.array([0, 2, 4, 1])
SPECIAL = np.array([True, False, False, True])


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_copies_example(sol):
    """The masked copies and positions of the statement example."""
    got = expect_sequence(sol.pll_masked_copies(IDS, SPECIAL, 3), 2, name="pll_masked_copies(ids, special, 3)")
    expect_array(got[0], np.array([[0, 3, 4, 1], [0, 2, 3, 1]], dtype=np.int64), name="copies")
    expect_array(got[1], np.array([1, 2], dtype=np.int64), name="positions")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_score_example(sol):
    """pll_score on the statement example."""
    logits = np.zeros((2, 4, 5))
    logits[0, 1, 2] = 2.0
    expect_float(sol.pll_score(logits, IDS, np.array([1, 2])), 2 - math.log(math.e**2 + 4) - math.log(5),
                 rtol=1e-9, atol=1e-9, name="pll_score(logits, ids, [1, 2])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_pseudo_perplexity_example(sol):
    """pseudo_perplexity([-6, -3], [3, 1]) = exp(9 / 4)."""
    expect_float(sol.pseudo_perplexity(np.array([-6.0, -3.0]), np.array([3, 1])), math.exp(9 / 4),
                 rtol=1e-9, atol=1e-9, name="pseudo_perplexity([-6.0, -3.0], [3, 1])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_uniform_model(sol):
    """A uniform model over 10 tokens has pseudo-perplexity 10."""
    expect_float(sol.pseudo_perplexity(np.array([-4 * math.log(10)]), np.array([4])), 10.0, rtol=1e-9, atol=1e-9,
                 name="pseudo_perplexity([-4 ln 10], [4])")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_zero_tokens_raises(sol):
    """A corpus with no scored token raises ValueError naming num_scored_tokens."""
    expect_raises(ValueError, sol.pseudo_perplexity, np.array([0.0]), np.array([0]), match="num_scored_tokens")
