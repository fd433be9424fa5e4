"""Public tests for t5_span_corruption: run them with `judge test t5_span_corruption`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """L = 40, tokens 100..139, noise at 25-26 and 36-39, vocab 32100 (the statement's example)."""
    ids = np.arange(100, 140)
    mask = np.zeros(40, dtype=bool)
    mask[[25, 26, 36, 37, 38, 39]] = True
    got = expect_sequence(sol.t5_span_corruption(ids, mask, vocab_size=32100), 2, name="t5_span_corruption")
    expect_array(got[0], np.array(list(range(100, 125)) + [32099] + list(range(127, 136)) + [32098, 1]),
                 name="inputs")
    expect_array(got[1], np.array([32099, 125, 126, 32098, 136, 137, 138, 139, 1]), name="targets")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_noise(sol):
    """No noise: inputs are the tokens + eos; targets are one sentinel + eos."""
    got = expect_sequence(sol.t5_span_corruption(np.array([5, 6, 7]), np.zeros(3, dtype=bool), vocab_size=100),
                          2, name="t5_span_corruption")
    expect_array(got[0], np.array([5, 6, 7, 1]), name="inputs")
    expect_array(got[1], np.array([99, 1]),
                 name="targets (expected [99, 1]: the one non-noise run becomes sentinel 99, then eos)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_shape_mismatch(sol):
    """noise_mask of another length raises ValueError naming noise_mask."""
    expect_raises(ValueError, sol.t5_span_corruption, np.arange(5), np.zeros(4, dtype=bool), vocab_size=100,
                  match="noise_mask")
