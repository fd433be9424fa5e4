"""Repeated failure messages, said once: the terminal report, feedback files and Gradescope output show an
identical message once with the other tests it applies to, compactly ("same for 31 more tests:
test_x[case1..30], test_y")."""

from __future__ import annotations

import re
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

    @property
    def folded(self) -> str:
        """``same for N more tests: NAMES`` with the names compacted (empty when the message is this test's alone)."""
        return f"{self.note}: {compact_names([t['name'] for t in self.same])}" if self.same else ""


_PARAMETRIZED = re.compile(r"^(?P<base>[^\[]+)\[(?P<id>[^\]]*)\]$")
_NUMBERED = re.compile(r"^(?P<word>.*?)(?P<n>\d+)$")


def _ranges(ids: list[str]) -> str:
    """``case0, case1, case2, case5, neg`` -> ``case0..2,case5,neg`` (runs of consecutive numbers of one word)."""
    out: list[str] = []
    run: tuple[str, int, int] | None = None
    for pid in ids:
        m = _NUMBERED.match(pid)
        if m and run and run[0] == m["word"] and int(m["n"]) == run[2] + 1:
            run = (run[0], run[1], int(m["n"]))
            continue
        if run:
            out.append(f"{run[0]}{run[1]}" + (f"..{run[2]}" if run[2] != run[1] else ""))
            run = None
        if m:
            run = (m["word"], int(m["n"]), int(m["n"]))
        else:
            out.append(pid)
    if run:
        out.append(f"{run[0]}{run[1]}" + (f"..{run[2]}" if run[2] != run[1] else ""))
    return ",".join(out)


def compact_names(names: list[str]) -> str:
    """Test names with the cases of one parametrized test folded together, in first-seen order:
    ``test_x[case1]``, ``test_x[case2]``, ``test_x[case3]``, ``test_y`` -> ``test_x[case1..3], test_y``."""
    groups: dict[str, list[str] | None] = {}
    for name in names:
        m = _PARAMETRIZED.match(name)
        if m is None:
            groups.setdefault(name, None)
            continue
        cases = groups.setdefault(m["base"] + "[]", [])
        if cases is not None:
            cases.append(m["id"])
    return ", ".join(base if cases is None else f"{base[:-2]}[{_ranges(cases)}]" for base, cases in groups.items())


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
