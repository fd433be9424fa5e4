"""Checks that a call raises the documented exception, with a message naming the argument."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from judge.checkers.base import CheckFailure


def expect_raises(exc_type: type[BaseException], fn: Callable, *args: Any, match: str | None = None,
                  **kwargs: Any) -> BaseException:
    """``fn(*args, **kwargs)`` must raise ``exc_type`` whose message contains ``match`` (a regex, any case)."""
    what = f"{getattr(fn, '__name__', 'the call')}(...)"
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        if match is not None and not re.search(match, str(exc), re.IGNORECASE):
            raise CheckFailure(
                f"{what} raised {exc_type.__name__}, but its message does not name '{match}'",
                f"{what} raised {exc_type.__name__}('{str(exc)[:200]}'), but its message should name '{match}'",
            ) from None
        return exc
    raise CheckFailure(f"{what} should raise {exc_type.__name__}, but it returned normally")
