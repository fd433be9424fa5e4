"""Public tests for corpus_perplexity: run them with `judge test corpus_perplexity`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises

TOL = {"rtol": 1e-9, "atol": 1e-12}


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's two sequences: 250 ** (1/4), token-weighted."""
    logits = np.zeros((2, 4, 5))
    logits[1, 0, 3] = math.log(4)
    labels = np.array([[1, 4, 0, 2], [2, 3, -100, -100]])
    expect_float(sol.corpus_perplexity(logits, labels), 250 ** 0.25, name="corpus_perplexity", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_uniform_model(sol):
    """Uniform logits over V = 7: the perplexity is exactly 7."""
    labels = np.array([[0, 1, 2, 3, 4, 5, 6], [6, 5, 4, 3, -100, -100, -100]])
    expect_float(sol.corpus_perplexity(np.zeros((2, 7, 7)), labels), 7.0, name="corpus_perplexity (uniform)",
                 **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_bits_per_byte(sol):
    """bits_per_byte examples of the statement."""
    expect_float(sol.bits_per_byte(3 * math.log(5) + math.log(2), 10), (3 * math.log2(5) + 1) / 10,
                 name="bits_per_byte(3 ln 5 + ln 2, 10)", **TOL)
    expect_float(sol.bits_per_byte(1000 * math.log(2), 500), 2.0, name="bits_per_byte(1000 ln 2, 500)", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_scored_is_nan(sol):
    """Sequences of length 1 score nothing: nan."""
    got = sol.corpus_perplexity(np.zeros((3, 1, 4)), np.array([[1], [2], [3]]))
    expect_float(got, math.nan, rtol=0, atol=0, name="corpus_perplexity with T = 1")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_num_bytes_zero(sol):
    """num_bytes = 0 raises ValueError naming num_bytes."""
    expect_raises(ValueError, sol.bits_per_byte, 12.5, 0, match="num_bytes")
