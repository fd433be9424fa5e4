"""Scalars: floats within a tolerance, ints and plain values exactly."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from judge.checkers.base import CheckFailure, show, type_name


def _special_mismatch(got: float, expected: float) -> str:
    """What went wrong when NaN or an infinity is expected or returned (the property, safe for hidden tests)."""
    if math.isnan(expected):
        return "should be NaN, got a number"
    if math.isnan(got):
        return "is NaN, but a number is expected"
    if math.isinf(expected):
        sign = "+inf" if expected > 0 else "-inf"
        return f"should be {sign}, got {'the other infinity' if math.isinf(got) else 'a finite number'}"
    return "is an infinity, but a finite number is expected"


def expect_float(got: Any, expected: float, *, rtol: float, atol: float, name: str = "result") -> None:
    """A Python float (np.float64 is one); NaN only where NaN is expected; otherwise within tolerance."""
    if not isinstance(got, float) and not isinstance(got, np.floating):
        raise CheckFailure(f"wrong type: {name} should be a float, got {type_name(got)}", name=name)
    g, e = float(got), float(expected)
    if math.isnan(e) or math.isnan(g) or math.isinf(e) or math.isinf(g):
        if g == e or (math.isnan(e) and math.isnan(g)):
            return
        raise CheckFailure(f"wrong value: {name} {_special_mismatch(g, e)}",
                           f"wrong value: {name} should be {show(e)}, got {show(g)}", name=name)
    if abs(g - e) <= atol + rtol * abs(e):
        return
    raise CheckFailure(
        f"wrong value: {name} is outside the tolerance",
        f"wrong value: {name} should be {e!r}, got {g!r} (abs error {abs(g - e):.3g}, rtol={rtol:g}, atol={atol:g})",
        name=name,
    )


def expect_int(got: Any, expected: int, *, name: str = "result") -> None:
    """A Python or NumPy integer (not a bool), equal to ``expected``."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        raise CheckFailure(f"wrong type: {name} should be an int, got {type_name(got)}", name=name)
    if int(got) != int(expected):
        raise CheckFailure(f"wrong value: {name} is not the expected integer",
                           f"wrong value: {name} should be {expected}, got {int(got)}", name=name)


def expect_bool(got: Any, expected: bool, *, name: str = "result") -> None:
    """A Python or NumPy bool equal to ``expected``."""
    if not isinstance(got, (bool, np.bool_)):
        raise CheckFailure(f"wrong type: {name} should be a bool, got {type_name(got)}", name=name)
    if bool(got) != bool(expected):
        raise CheckFailure(f"wrong value: {name} is the opposite of the expected bool",
                           f"wrong value: {name} should be {expected}, got {bool(got)}", name=name)


def expect_sequence(got: Any, length: int, *, name: str = "result") -> tuple:
    """A tuple (or list) of exactly ``length`` items; returns it as a tuple."""
    if type(got) not in (tuple, list):
        raise CheckFailure(f"wrong type: {name} should be a tuple of {length} items, got {type_name(got)}", name=name)
    if len(got) != length:
        raise CheckFailure(f"wrong length: {name} should have {length} items, got {len(got)}", name=name)
    return tuple(got)
