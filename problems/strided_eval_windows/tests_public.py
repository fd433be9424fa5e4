"""Public tests for strided_eval_windows: run them with `judge test strided_eval_windows`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_float, expect_raises


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_overlapping(sol):
    """strided_eval_windows(10, 4, 2) from the statement."""
    expected = np.array([[0, 4, 1], [2, 6, 4], [4, 8, 6], [6, 10, 8]], dtype=np.int64)
    expect_array(sol.strided_eval_windows(10, 4, 2), expected, name="strided_eval_windows(10, 4, 2)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_disjoint(sol):
    """strided_eval_windows(10, 4, 4) from the statement: each chunk's first token is not scored."""
    expected = np.array([[0, 4, 1], [4, 8, 5], [8, 10, 9]], dtype=np.int64)
    expect_array(sol.strided_eval_windows(10, 4, 4), expected, name="strided_eval_windows(10, 4, 4)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_perplexity(sol):
    """The statement's perplexity example: exp(1.2) (rtol 1e-9)."""
    windows = np.array([[0, 4, 1], [2, 6, 4]], dtype=np.int64)
    lps = [np.array([np.nan, -1.0, -2.0, -1.5]), np.array([np.nan, -9.0, -0.5, -1.0])]
    expect_float(sol.strided_perplexity(lps, windows), float(np.exp(1.2)), rtol=1e-9, atol=0.0,
                 name="strided_perplexity(lps, windows)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_stride_too_large_raises(sol):
    """stride > max_length raises ValueError naming stride."""
    expect_raises(ValueError, sol.strided_eval_windows, 10, 4, 5, match="stride")
