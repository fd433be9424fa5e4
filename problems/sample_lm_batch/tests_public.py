"""Public tests for sample_lm_batch: run them with `judge test sample_lm_batch`."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises, expect_sequence


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_start(sol):
    """N = block_size + 1: the only start is 0, so every row is data[:-1] / data[1:]."""
    data = np.arange(100, 105, dtype=np.int64)
    x, y = expect_sequence(sol.sample_lm_batch(data, 2, 4, rng=np.random.default_rng(0)), 2,
                           name="sample_lm_batch(np.arange(100, 105), 2, 4, rng=rng)")
    expect_array(x, np.array([[100, 101, 102, 103]] * 2, dtype=np.int64), name="x")
    expect_array(y, np.array([[101, 102, 103, 104]] * 2, dtype=np.int64), name="y")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_shape_and_shift(sol):
    """The statement's call: int64 (3, 4) windows of data, y is x moved one token right, starts in 0..5."""
    data = np.arange(100, 110, dtype=np.int64)
    x, y = expect_sequence(sol.sample_lm_batch(data, 3, 4, rng=np.random.default_rng(0)), 2,
                           name="sample_lm_batch(np.arange(100, 110), 3, 4, rng=rng)")
    starts = x[:, 0] - 100 if isinstance(x, np.ndarray) and x.shape == (3, 4) else np.zeros(3, dtype=np.int64)
    expect_array(x, starts[:, None] + 100 + np.arange(4), name="x (each row a window data[s:s+4])")
    expect_array(y, starts[:, None] + 101 + np.arange(4), name="y (each row data[s+1:s+5])")
    if not ((starts >= 0) & (starts <= 5)).all():
        raise CheckFailure(f"starts {starts.tolist()} are outside 0..5 (N - block_size - 1 = 5)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_too_short_raises(sol):
    """len(data) < block_size + 1 raises ValueError naming block_size."""
    expect_raises(ValueError, sol.sample_lm_batch, np.arange(4), 2, 4, rng=np.random.default_rng(0),
                  match="block_size")
