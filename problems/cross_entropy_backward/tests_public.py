"""Public tests for cross_entropy_backward: run them with `judge test cross_entropy_backward`."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises

TOL = {"rtol": 1e-9, "atol": 1e-12}
P = np.exp([1.0, 2.0, 0.0]) / np.exp([1.0, 2.0, 0.0]).sum()  # softmax([1, 2, 0])
TORCH_LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [1.0, 1.0, 1.0], [0.0, -1.0, 3.0]])
TORCH_TARGETS = np.array([0, 1, -100, 2])


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """[[1, 2, 0], [0, 0, 0]] with targets [1, -100]: p - onehot(1) and a zero row."""
    logits = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    expected = np.array([P - [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    expect_allclose(sol.cross_entropy_backward(logits, np.array([1, -100])), expected, name="dlogits", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example_smoothing(sol):
    """label_smoothing=0.3 on the same input: q = [0.1, 0.8, 0.1]."""
    logits = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    expected = np.array([P - [0.1, 0.8, 0.1], [0.0, 0.0, 0.0]])
    got = sol.cross_entropy_backward(logits, np.array([1, -100]), label_smoothing=0.3)
    expect_allclose(got, expected, name="dlogits with label_smoothing=0.3", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example_torch_mean_and_sum(sol):
    """The PyTorch example: mean divides by the 3 valid items, sum does not."""
    onehot = np.zeros((4, 3))
    onehot[[0, 1, 3], [0, 1, 2]] = 1.0
    rows = softmax_rows(TORCH_LOGITS) - onehot
    rows[2] = 0.0
    expect_allclose(sol.cross_entropy_backward(TORCH_LOGITS, TORCH_TARGETS), rows / 3, name="dlogits (mean)", **TOL)
    expect_allclose(sol.cross_entropy_backward(TORCH_LOGITS, TORCH_TARGETS, reduction="sum"), rows,
                    name="dlogits (sum)", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_ignored_is_zero(sol):
    """Every target ignored: the gradient is all zeros (not nan)."""
    got = sol.cross_entropy_backward(TORCH_LOGITS, np.full(4, -100))
    expect_allclose(got, np.zeros((4, 3)), rtol=0, atol=0, name="dlogits with every target ignored")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_target_out_of_range(sol):
    """A target of 3 with 3 classes raises ValueError naming targets."""
    expect_raises(ValueError, sol.cross_entropy_backward, TORCH_LOGITS, np.array([0, 1, 3, 2]), match="targets")
