import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n", range(1, 41))
def test_hidden_mask(sol, n):
    """The n x n mask, one call per test."""
    got = sol.causal_mask(n)
    expect_array(got, np.tril(np.ones((n, n), dtype=bool)), name=f"causal_mask({n})")
