"""Comparison of float arrays with stated tolerances: |got - expected| <= atol + rtol * |expected|."""

from __future__ import annotations

from typing import Any

import numpy as np

from judge.checkers.arrays import check_array_form
from judge.checkers.base import CheckFailure, index_text, show


def expect_allclose(
    got: Any, expected: np.ndarray, *, rtol: float, atol: float, name: str = "result", dtype: Any = None
) -> None:
    """Type, dtype and shape exactly; NaN and infinities at the same places; the rest within tolerance."""
    expected = np.asarray(expected)
    check_array_form(got, expected, name, dtype)
    g = got.astype(np.float64) if got.dtype.kind != "c" else got
    e = expected.astype(np.float64) if expected.dtype.kind != "c" else expected
    nan_bad = np.isnan(g) != np.isnan(e)
    inf_bad = (np.isinf(e) | np.isinf(g)) & ~(g == e) & ~np.isnan(e)
    finite = np.isfinite(e) & np.isfinite(g)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.where(finite, np.abs(g - e), 0.0)
        tol_bad = finite & (err > atol + rtol * np.abs(np.where(finite, e, 0.0)))
    bad_mask = nan_bad | inf_bad | tol_bad
    if not bad_mask.any():
        return
    bad = np.argwhere(bad_mask)
    first = tuple(bad[0])
    summary = f"wrong values: {name} is outside the tolerance at {len(bad)} positions"  # no size: see arrays.py
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(finite & (e != 0), err / np.abs(e), 0.0)
    detail = (
        f"wrong values: {name} is outside the tolerance at {len(bad)} of {expected.size} positions "
        f"(rtol={rtol:g}, atol={atol:g}); first at index {index_text(first)}: "
        f"expected {show(expected[first])}, got {show(got[first])}"
    )
    if tol_bad.any():
        detail += (f"; among finite values: max abs error {float(err.max()):.3g}, "
                   f"max rel error {float(rel.max()):.3g} (where expected != 0)")
    if nan_bad.any():
        detail += f"; NaN where none is expected, or a number where NaN is expected, at {int(nan_bad.sum())} positions"
    if inf_bad.any():
        detail += f"; an infinity that does not match at {int(inf_bad.sum())} positions"
    if expected.size <= 16:
        detail += f"\n  expected: {show(expected)}\n  got:      {show(got)}"
    raise CheckFailure(summary, detail, name=name)
