"""Public tests for cross_entropy: run them with `judge test cross_entropy`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_float, expect_raises

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [1.0, 1.0, 1.0], [0.0, -1.0, 3.0]])
TARGETS = np.array([0, 1, -100, 2])


def nll(row, target):
    """-log softmax(row)[target], written out with math."""
    return math.log(sum(math.exp(v) for v in row)) - row[target]


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_mean(sol):
    """The statement's example: the mean leaves the ignored item out of the count."""
    expected = (nll(LOGITS[0], 0) + nll(LOGITS[1], 1) + nll(LOGITS[3], 2)) / 3
    expect_float(sol.cross_entropy(LOGITS, TARGETS), expected, rtol=1e-7, atol=0.0,
                 name="cross_entropy(logits, targets)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_none(sol):
    """reduction='none' gives each item's loss and 0.0 at the ignored item."""
    expected = np.array([nll(LOGITS[0], 0), nll(LOGITS[1], 1), 0.0, nll(LOGITS[3], 2)])
    expect_allclose(sol.cross_entropy(LOGITS, TARGETS, reduction="none"), expected, rtol=1e-7, atol=1e-12,
                    name="cross_entropy(logits, targets, reduction='none')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_label_smoothing_sum(sol):
    """The statement's label-smoothing example (eps = 0.1, mean over all 3 classes), reduction='sum'."""
    eps = 0.1
    expected = sum((1 - eps) * nll(LOGITS[i], y) + eps * sum(nll(LOGITS[i], c) for c in range(3)) / 3
                   for i, y in [(0, 0), (1, 1), (3, 2)])
    expect_float(sol.cross_entropy(LOGITS, TARGETS, reduction="sum", label_smoothing=eps), expected,
                 rtol=1e-7, atol=0.0, name="cross_entropy(logits, targets, reduction='sum', label_smoothing=0.1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_ignored_mean_is_nan(sol):
    """With every target ignored the mean is nan (PyTorch >= 1.11)."""
    expect_float(sol.cross_entropy(LOGITS, np.full(4, -100)), math.nan, rtol=0.0, atol=0.0,
                 name="cross_entropy(logits, all -100)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_target_out_of_range_raises(sol):
    """A target equal to C (not ignore_index) raises ValueError naming targets."""
    expect_raises(ValueError, sol.cross_entropy, LOGITS, np.array([0, 1, 3, 2]), match="targets")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_logits_are_stable(sol):
    """Logits of magnitude 1e4 give exact finite losses (subtract the row maximum first)."""
    logits = np.array([[1e4, 0.0, -1e4], [5e3, 5e3, 0.0]])
    expected = np.array([1e4, math.log(2.0)])  # target 1 of row 0; target 0 of row 1
    expect_allclose(sol.cross_entropy(logits, np.array([1, 0]), reduction="none"), expected, rtol=1e-7, atol=1e-9,
                    name="cross_entropy(logits of magnitude 1e4, reduction='none')")
