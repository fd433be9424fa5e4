import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(2)
def test_hidden_scale(sol):
    """Scales a (3, 2) array, and refuses factors of the wrong length."""
    x = np.arange(6.0).reshape(3, 2)
    expect_array(sol.scale(x, [2.0, -1.0], {"offset": 1.0}), x * [2.0, -1.0] + 1.0, name="scale")
    with pytest.raises(ValueError):
        sol.scale(x, [1.0, 2.0, 3.0], {"offset": 0.0})
