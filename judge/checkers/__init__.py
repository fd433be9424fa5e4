"""Checkers for problem tests: one small module per comparison policy, all raising CheckFailure.

Every checker compares a value the learner's code returned (already decoded into plain data in the trusted
process) with an expected value computed by the test, and raises :class:`CheckFailure` carrying a ``summary``
(safe for hidden tests: what kind of check failed) and a ``detail`` (indices, expected and got values).
"""

from judge.checkers.arrays import expect_array
from judge.checkers.base import CheckFailure
from judge.checkers.close import expect_allclose
from judge.checkers.raises import expect_raises
from judge.checkers.scalars import expect_bool, expect_float, expect_int, expect_sequence
from judge.checkers.statistics import (
    chi2_critical,
    chi_square,
    expect_band,
    expect_proportion,
    expect_uniform,
    proportion_band,
)

__all__ = [
    "CheckFailure",
    "chi2_critical",
    "chi_square",
    "expect_allclose",
    "expect_array",
    "expect_band",
    "expect_bool",
    "expect_float",
    "expect_int",
    "expect_proportion",
    "expect_raises",
    "expect_sequence",
    "expect_uniform",
    "proportion_band",
]
