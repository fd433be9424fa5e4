"""Public tests for z_loss: run them with `judge test z_loss`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises

TOL = {"rtol": 1e-9, "atol": 1e-15}


def statement_input():
    logits = np.array([[[0.0, 0, 0, 0], [2, 2, 2, 2], [np.nan, np.nan, np.nan, np.nan]]])
    return logits, np.array([[True, True, False]])


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's example, with coefficient 1 and with the default 1e-4."""
    logits, mask = statement_input()
    expected = (math.log(4) ** 2 + (2 + math.log(4)) ** 2) / 2
    expect_float(sol.z_loss(logits, mask, coefficient=1.0), expected, name="z_loss(coefficient=1.0)", **TOL)
    expect_float(sol.z_loss(logits, mask), 1e-4 * expected, name="z_loss (default coefficient)", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_statement_large_logits(sol):
    """Logits of magnitude 1e4: log Z = 1e4 + ln 2."""
    got = sol.z_loss(np.array([[1e4, 1e4, 0.0, -1e4]]), np.array([True]))
    expect_float(got, 1e-4 * (1e4 + math.log(2)) ** 2, name="z_loss of logits of magnitude 1e4", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_masked_in(sol):
    """No masked-in position: 0.0."""
    expect_float(sol.z_loss(np.zeros((2, 3)), np.zeros(2, dtype=bool)), 0.0, rtol=0, atol=0,
                 name="z_loss with nothing masked in")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_integer_mask_rejected(sol):
    """A 0/1 integer mask raises ValueError naming mask."""
    logits, _ = statement_input()
    expect_raises(ValueError, sol.z_loss, logits, np.array([[1, 1, 0]]), match="mask")
