"""Repeated failure messages, said once: the terminal report, feedback files and Gradescope output show an
identical message once with the number of other tests it applies to ("same for 31 more tests")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from judge.engine.verdicts import Verdict


@dataclass
class Shown:
    """One test whose message is shown, and the later tests that ended with the same verdict and message."""

    test: dict[str, Any]
    same: list[dict[str, Any]] = field(default_factory=list)

    @property
    def note(self) -> str:
        """``same for N more tests`` (empty when the message is this test's alone)."""
        n = len(self.same)
        return f"same for {n} more test{'s' if n != 1 else ''}" if n else ""


def collapse(tests: Iterable[dict[str, Any]]) -> list[Shown]:
    """The tests in order, each message shown at its first test only; passed tests and empty messages are never
    merged (each stays its own entry)."""
    shown: list[Shown] = []
    first: dict[tuple[str, str], Shown] = {}
    for test in tests:
        key = (str(test.get("status")), str(test.get("message") or ""))
        if test.get("status") == Verdict.PASSED or not key[1]:
            shown.append(Shown(test))
            continue
        if key in first:
            first[key].same.append(test)
        else:
            first[key] = Shown(test)
            shown.append(first[key])
    return shown
