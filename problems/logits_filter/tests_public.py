"""Public tests for logits_filter: run them with `judge test logits_filter`."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_raises

NEG = -np.inf


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_top_k_example(sol):
    """Temperature 0.5 then top_k 2 keeps both tied 2s (statement example)."""
    got = sol.filter_logits(np.array([[2.0, 1.0, 1.0, 0.0, -1.0]]), temperature=0.5, top_k=2)
    expect_allclose(got, np.array([[4.0, 2.0, 2.0, NEG, NEG]]), rtol=1e-12, atol=0,
                    name="filter_logits([[2, 1, 1, 0, -1]], temperature=0.5, top_k=2)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_top_k_counts_duplicates(sol):
    """Top-k counts duplicates: in [2, 1, 1, 0] the 3 largest are 2, 1, 1, so top_k=3 removes the 0."""
    got = sol.filter_logits(np.array([[2.0, 1.0, 1.0, 0.0]]), top_k=3)
    expect_allclose(got, np.array([[2.0, 1.0, 1.0, NEG]]), rtol=1e-12, atol=0,
                    name="filter_logits([[2, 1, 1, 0]], top_k=3)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize(
    "row, temperature, top_p, expected",
    [
        ([3.0, 2.0, 1.0, 0.0], 1.0, 0.8, [3.0, 2.0, NEG, NEG]),
        ([3.0, 2.0, 1.0, 0.0], 2.0, 0.8, [1.5, 1.0, 0.5, NEG]),
        ([3.0, 2.0, 2.0, 0.0], 1.0, 0.6, [3.0, 2.0, 2.0, NEG]),
    ],
    ids=["keep_two", "temperature_first", "tie_at_cut"],
)
def test_top_p_examples(sol, row, temperature, top_p, expected):
    """The top-p examples of the statement."""
    got = sol.filter_logits(np.array([row]), temperature=temperature, top_p=top_p)
    expect_allclose(got, np.array([expected]), rtol=1e-12, atol=0,
                    name=f"filter_logits([{row}], temperature={temperature}, top_p={top_p})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_defaults_identity(sol):
    """With the defaults nothing is removed and the result is float64."""
    x = np.array([[0.5, -1.25, 3.0], [NEG, 0.0, 2.0]], dtype=np.float32)
    expect_allclose(sol.filter_logits(x), x.astype(np.float64), rtol=1e-12, atol=0, name="filter_logits(x)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_temperature(sol):
    """temperature 0 raises ValueError naming temperature."""
    expect_raises(ValueError, sol.filter_logits, np.zeros((1, 3)), temperature=0.0, match="temperature")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_sample_single_finite_entry(sol):
    """sample: a row with a single finite entry always gives that index (int64, shape (B,))."""
    x = np.full((3, 4), NEG)
    x[0, 2] = 5.0
    x[1, 0] = -3.0
    x[2, 3] = 0.0
    got = sol.sample(x, rng=np.random.default_rng(0))
    expect_array(got, np.array([2, 0, 3], dtype=np.int64), name="sample(x, rng=rng)")
