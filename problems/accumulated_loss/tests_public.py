"""Public tests for accumulated_loss: run them with `judge test accumulated_loss`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises

TOL = {"rtol": 1e-9, "atol": 1e-12}
A = math.log(3 + math.exp(2)) - 2  # loss of a target predicted with logit 2 against three 0s
B = math.log(4)  # loss of a target under uniform logits over 4 classes


def statement_batches():
    logits0 = np.array([[[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 2.0, 0], [0, 0, 0, 2.0], [0, 0, 0, 0]]])
    labels0 = np.array([[3, 0, 1, 2, 3]])
    logits1 = np.zeros((2, 3, 4))
    labels1 = np.array([[1, 2, -100], [0, -100, -100]])
    return [logits0, logits1], [labels0, labels1]


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's two micro-batches: (4a + b) / 5, not the mean of the means."""
    logits, labels = statement_batches()
    expect_float(sol.accumulated_clm_loss(logits, labels), (4 * A + B) / 5, name="accumulated_clm_loss", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_micro_batch(sol):
    """One micro-batch: the plain shifted mean (the second micro-batch of the statement alone is ln 4)."""
    logits, labels = statement_batches()
    expect_float(sol.accumulated_clm_loss(logits[:1], labels[:1]), A, name="loss of micro-batch 0 alone", **TOL)
    expect_float(sol.accumulated_clm_loss(logits[1:], labels[1:]), B, name="loss of micro-batch 1 alone", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_scored_is_nan(sol):
    """T = 1 scores nothing: nan."""
    got = sol.accumulated_clm_loss([np.zeros((1, 1, 4))], [np.array([[2]])])
    expect_float(got, math.nan, rtol=0, atol=0, name="accumulated_clm_loss with T = 1")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_length_mismatch(sol):
    """Two logits arrays and one labels array raise ValueError naming labels_list."""
    logits, labels = statement_batches()
    expect_raises(ValueError, sol.accumulated_clm_loss, logits, labels[:1], match="labels_list")
