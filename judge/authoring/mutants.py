"""Mutants of large references stay copies of the current reference: a mutant of a reference of at least
:data:`LARGE_REFERENCE_LINES` lines may differ from it in at most :data:`MAX_CHANGED_LINES` lines (its docstring
and the mistake), so a fix to the reference that the mutants did not get fails ``judge validate`` instead of
leaving them testing an older program."""

from __future__ import annotations

import difflib
from pathlib import Path

LARGE_REFERENCE_LINES = 60
MAX_CHANGED_LINES = 12


def changed_lines(reference: str, mutant: str) -> int:
    """How many lines a unified diff of ``reference`` and ``mutant`` removes or adds."""
    diff = difflib.unified_diff(reference.splitlines(), mutant.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def drift_errors(reference: Path, mutants: list[Path]) -> list[str]:
    """One line per mutant of a large ``reference`` that differs from it in more than MAX_CHANGED_LINES lines."""
    ref = reference.read_text()
    if len(ref.splitlines()) < LARGE_REFERENCE_LINES:
        return []
    errors = []
    for mutant in mutants:
        n = changed_lines(ref, mutant.read_text())
        if n > MAX_CHANGED_LINES:
            errors.append(f"{mutant}: differs from {reference.name} in {n} lines (at most {MAX_CHANGED_LINES} for a "
                          f"reference of {LARGE_REFERENCE_LINES}+ lines); copy the current reference and change only "
                          "the mistake (and the docstring)")
    return errors
