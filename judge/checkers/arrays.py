"""Exact comparison of arrays (bool and integer results, or floats that must match bit for bit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from judge.checkers.base import CheckFailure, index_text, show, type_name


def check_array_form(got: Any, expected: np.ndarray, name: str, dtype: Any = None) -> None:
    """Type, dtype and shape first: a numpy.ndarray of exactly the expected dtype and shape."""
    want = np.dtype(dtype) if dtype is not None else expected.dtype
    if type(got) is not np.ndarray:
        raise CheckFailure(
            f"wrong type: {name} should be a numpy.ndarray, got {type_name(got)}", name=name)
    if got.dtype != want:
        raise CheckFailure(f"wrong dtype: {name} should have dtype {want}, got {got.dtype}", name=name)
    if got.shape != expected.shape:
        raise CheckFailure(
            f"wrong shape: {name} has shape {got.shape}",
            f"wrong shape: {name} should have shape {expected.shape}, got {got.shape}", name=name)


def _grid(a: np.ndarray) -> str:
    return "\n".join("    " + " ".join("1" if v else "." for v in row) for row in a)


def expect_array(got: Any, expected: np.ndarray, *, name: str = "result", dtype: Any = None) -> None:
    """Exact equality: type, dtype, shape, then every element (NaN equals NaN)."""
    expected = np.asarray(expected, dtype=dtype) if dtype is not None else np.asarray(expected)
    check_array_form(got, expected, name)
    if expected.dtype.kind in "fc":
        same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    else:
        same = got == expected
    if same.all():
        return
    bad = np.argwhere(~same)
    first = tuple(bad[0])
    summary = f"wrong values: {name} differs at {len(bad)} positions"  # the size would tell a hidden input
    detail = (
        f"wrong values: {name} differs at {len(bad)} of {expected.size} positions; first at index "
        f"{index_text(first)}: expected {show(expected[first])}, got {show(got[first])}"
    )
    if expected.dtype == bool and expected.ndim == 2 and max(expected.shape) <= 16:
        detail += f"\n  expected ({name}, 1 = True):\n{_grid(expected)}\n  got:\n{_grid(got)}"
    elif expected.dtype == bool and expected.ndim >= 3 and max(expected.shape[-2:]) <= 16:
        lead = first[:-2]
        where = f"{name}[{', '.join(str(int(i)) for i in lead)}]"
        detail += f"\n  expected ({where}, the first slice that differs; 1 = True):\n{_grid(expected[lead])}"
        detail += f"\n  got:\n{_grid(got[lead])}"
    elif expected.size <= 32:
        detail += f"\n  expected: {show(expected)}\n  got:      {show(got)}"
    raise CheckFailure(summary, detail, name=name)
