"""Public tests for causal_lm_loss: run them with `judge test causal_lm_loss`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises

LOGITS = np.array([[[2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 1.0, 0.0], [5.0, 5.0, 5.0]]])
LABELS = np.array([[-100, 0, 2, 1]])


def nll(row, target):
    """-log softmax(row)[target], written out with math."""
    return math.log(sum(math.exp(v) for v in row)) - row[target]


# Position t is scored against labels[0, t + 1]: (0 -> 0), (1 -> 2), (2 -> 1); position 3 is not scored.
EXAMPLE_SUM = nll([2.0, 0.0, 0.0], 0) + nll([0.0, 0.0, 3.0], 2) + nll([0.0, 1.0, 0.0], 1)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's example: position t scored against labels[:, t + 1], mean over 3 targets."""
    expect_float(sol.causal_lm_loss(LOGITS, LABELS), EXAMPLE_SUM / 3, rtol=1e-7, atol=0.0,
                 name="causal_lm_loss(logits, labels)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_num_items(sol):
    """With num_items_in_batch=6 the sum is divided by 6."""
    expect_float(sol.causal_lm_loss(LOGITS, LABELS, num_items_in_batch=6), EXAMPLE_SUM / 6, rtol=1e-7, atol=0.0,
                 name="causal_lm_loss(logits, labels, num_items_in_batch=6)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_position_is_nan(sol):
    """T == 1 leaves nothing to score: nan."""
    expect_float(sol.causal_lm_loss(LOGITS[:, :1], LABELS[:, :1]), math.nan, rtol=0.0, atol=0.0,
                 name="causal_lm_loss(logits[:, :1], labels[:, :1])")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_label_raises(sol):
    """A target outside [0, V) that is not -100 raises ValueError naming labels."""
    expect_raises(ValueError, sol.causal_lm_loss, LOGITS, np.array([[-100, 0, 3, 1]]), match="labels")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_two_rows_token_mean(sol):
    """Two rows: the shift stays inside each row and the mean is over all 3 scored tokens of the batch."""
    logits = np.array([[[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]],
                       [[0.0, 1.0], [2.0, 2.0], [0.0, 0.5]]])
    labels = np.array([[0, 1, -100],    # row 0 scores position 0 -> 1
                       [1, 0, 1]])      # row 1 scores position 0 -> 0 and position 1 -> 1
    expected = (nll([1.0, 0.0], 1) + nll([0.0, 1.0], 0) + nll([2.0, 2.0], 1)) / 3
    expect_float(sol.causal_lm_loss(logits, labels), expected, rtol=1e-7, atol=0.0,
                 name="causal_lm_loss(two rows), the mean over 3 scored targets: row 0 position 0 -> label 1, "
                      "row 1 positions 0 -> 0 and 1 -> 1")
