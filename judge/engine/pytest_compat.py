"""The judge's only use of pytest internals, in one place: what the batch fast path and the verdicts need that
pytest's public API does not give. Checked against the pytest range pinned in pyproject.toml (``make compat``
runs the lowest); tests/test_fitness.py fails if another module of the judge touches these names.

- :func:`plain_args`: whether a collected test needs nothing of pytest's fixture setup (reads
  ``item._fixtureinfo`` and recognises direct ``parametrize`` values by pytest's own fixture function,
  ``get_direct_param_fixture_func``), so the batch loop can call it directly.
- :func:`renew_request` / :func:`release_request`: an item runs once per submission of a batch; pytest builds
  its fixture request once per item (``item._request``, ``item._initrequest()``), so it is rebuilt before each
  run and dropped after (pytest-rerunfailures does the same).
- :func:`expected_exception_not_raised` and :func:`is_trusted_timeout`: what ``pytest.raises`` and
  pytest-timeout report, read from their message text (neither gives a typed exception).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import pytest

PLAIN_MARKS = frozenset({"points", "parametrize", "category"})
DIRECT_PARAM_FIXTURE = "get_direct_param_fixture_func"


def plain_args(item: pytest.Item, sol_function: Callable[..., Any] | None) -> dict[str, Any] | None:
    """The arguments of a test that needs nothing of pytest's fixture setup (it takes the judge's own ``sol`` and
    direct ``parametrize`` values, and has no marks beyond those and ``points``), without ``sol``; else None."""
    info = getattr(item, "_fixtureinfo", None)
    if not isinstance(item, pytest.Function) or info is None or not isinstance(item.obj, types.FunctionType):
        return None
    if any(mark.name not in PLAIN_MARKS for mark in item.iter_markers()):
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    if set(item.fixturenames) - {"request"} != set(info.argnames):
        return None  # autouse fixtures, usefixtures, fixtures of fixtures
    args = {}
    for name in info.argnames:
        defs = info.name2fixturedefs.get(name) or ()
        func = getattr(defs[-1], "func", None) if defs else None
        if name == "sol" and func is sol_function:
            continue
        if name in params and getattr(func, "__name__", "") == DIRECT_PARAM_FIXTURE:
            args[name] = params[name]
            continue
        return None  # a fixture of the problem's own, an indirect parameter, or a sol that is not the judge's
    return args


def renew_request(item: pytest.Item) -> None:
    """Give ``item`` a fresh fixture request if a previous run released it."""
    if hasattr(item, "_request") and not item._request:
        item._initrequest()


def release_request(item: pytest.Item) -> None:
    """Drop ``item``'s fixture request and fixture values after a run (what pytest does after a test)."""
    if hasattr(item, "_request"):
        item._request = False
        item.funcargs = None


def expected_exception_not_raised(exc: BaseException) -> str | None:
    """The exception type a ``pytest.raises`` block wanted when its failure says the call did not raise, else
    None."""
    if not isinstance(exc, pytest.fail.Exception):
        return None
    text = str(exc)
    if "DID NOT RAISE" not in text:
        return None
    return text.split("DID NOT RAISE", 1)[1].strip().strip("<>").replace("class ", "").strip("'")


def is_trusted_timeout(exc: BaseException) -> bool:
    """True when pytest-timeout stopped the test (the trusted process's own time limit)."""
    return isinstance(exc, pytest.fail.Exception) and str(exc).startswith("Timeout")
