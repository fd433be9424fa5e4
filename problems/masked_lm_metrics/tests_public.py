"""Public tests for masked_lm_metrics: run them with `judge test masked_lm_metrics`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_int, expect_raises, expect_sequence

LOGITS = np.array([[[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 0.0], [0.0, 0.0, 5.0]]])
LABELS = np.array([[1, 1, -100, 0]])


def nll(row, target):
    """-log softmax(row)[target], written out with math."""
    return math.log(sum(math.exp(v) for v in row)) - row[target]


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's example: 3 scored positions, no shift, the tie predicts index 0."""
    loss, accuracy, count = expect_sequence(sol.masked_lm_metrics(LOGITS, LABELS), 3,
                                            name="masked_lm_metrics(logits, labels)")
    expected = (nll([0.0, 2.0, 1.0], 1) + nll([1.0, 1.0, 0.0], 1) + nll([0.0, 0.0, 5.0], 0)) / 3
    expect_float(loss, expected, rtol=1e-7, atol=0.0,
                 name="loss of masked_lm_metrics(logits, labels), the mean over positions 0, 1, 3 (no shift)")
    expect_float(accuracy, 1 / 3, rtol=1e-12, atol=0.0, name="accuracy of masked_lm_metrics(logits, labels)")
    expect_int(count, 3, name="num_predictions of masked_lm_metrics(logits, labels)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_scored(sol):
    """All labels -100 gives (nan, nan, 0)."""
    loss, accuracy, count = expect_sequence(sol.masked_lm_metrics(LOGITS, np.full((1, 4), -100)), 3,
                                            name="masked_lm_metrics(logits, all -100)")
    expect_float(loss, math.nan, rtol=0.0, atol=0.0, name="loss of masked_lm_metrics(logits, all -100)")
    expect_float(accuracy, math.nan, rtol=0.0, atol=0.0, name="accuracy of masked_lm_metrics(logits, all -100)")
    expect_int(count, 0, name="num_predictions of masked_lm_metrics(logits, all -100)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_label_raises(sol):
    """A label outside [0, V) that is not -100 raises ValueError naming labels."""
    expect_raises(ValueError, sol.masked_lm_metrics, LOGITS, np.array([[1, 3, -100, 0]]), match="labels")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_two_rows_token_mean(sol):
    """Two rows with 1 and 3 scored positions: loss and accuracy are means over all 4 positions."""
    logits = np.array([[[2.0, 0.0], [0.0, 1.0], [1.0, 3.0]],
                       [[0.0, 1.0], [4.0, 0.0], [1.0, 0.0]]])
    labels = np.array([[0, -100, -100], [1, 1, 0]])
    loss, accuracy, count = expect_sequence(sol.masked_lm_metrics(logits, labels), 3,
                                            name="masked_lm_metrics(two rows)")
    expected = (nll([2.0, 0.0], 0) + nll([0.0, 1.0], 1) + nll([4.0, 0.0], 1) + nll([1.0, 0.0], 0)) / 4
    expect_float(loss, expected, rtol=1e-7, atol=0.0, name="loss of masked_lm_metrics(two rows)")
    expect_float(accuracy, 3 / 4, rtol=1e-12, atol=0.0, name="accuracy of masked_lm_metrics(two rows)")
    expect_int(count, 4, name="num_predictions of masked_lm_metrics(two rows)")
