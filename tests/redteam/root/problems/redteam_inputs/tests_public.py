import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
def test_public_scale(sol):
    """Scales a (2, 3) array."""
    x = np.ones((2, 3))
    expect_array(sol.scale(x, [1.0, 2.0, 3.0], {"offset": 0.5}), x * [1.0, 2.0, 3.0] + 0.5, name="scale")
