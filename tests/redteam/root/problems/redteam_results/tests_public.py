import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_public_mask(sol):
    """The 3x3 mask."""
    expect_array(sol.causal_mask(3), np.tril(np.ones((3, 3), dtype=bool)), name="causal_mask(3)")
