"""Mutants of large references stay copies of the current reference: a mutant of a reference of at least
:data:`LARGE_REFERENCE_LINES` lines may differ from it in at most :data:`MAX_CHANGED_LINES` code lines (the
mistake), so a fix to the reference that the mutants did not get fails ``judge validate`` instead of
leaving them testing an older program. Module docstrings are not counted, nor lines copied from the current
references of the problems it builds on (a mutant that changes an imported function defines its own copy)."""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

LARGE_REFERENCE_LINES = 60
MAX_CHANGED_LINES = 12


def _code_lines(source: str) -> list[str]:
    """The lines of ``source`` without its module docstring (which says what the mistake is and what a learner
    should be told: judge/authoring/mutant_feedback.py), so only code counts as drift."""
    lines = source.splitlines()
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return lines
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return lines[:first.lineno - 1] + lines[first.end_lineno:]
    return lines


def changed_lines(reference: str, mutant: str, copied_from: list[str] = ()) -> int:
    """How many code lines (the module docstrings left out) a unified diff of ``reference`` and ``mutant``
    removes or adds; an added line that is a code line of one of ``copied_from`` does not count."""
    known = {line for source in copied_from for line in _code_lines(source) if line.strip()}
    diff = difflib.unified_diff(_code_lines(reference), _code_lines(mutant), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))
               and not (line[:1] == "+" and line[1:] in known))


def drift_errors(reference: Path, mutants: list[Path], builds_on: list[Path] = ()) -> list[str]:
    """One line per mutant of a large ``reference`` (counting the references it builds on) that differs from it
    in more than MAX_CHANGED_LINES lines."""
    ref = reference.read_text()
    copied_from = [p.read_text() for p in builds_on]
    if len(ref.splitlines()) + sum(len(s.splitlines()) for s in copied_from) < LARGE_REFERENCE_LINES:
        return []
    errors = []
    for mutant in mutants:
        n = changed_lines(ref, mutant.read_text(), copied_from)
        if n > MAX_CHANGED_LINES:
            errors.append(f"{mutant}: differs from {reference.name} in {n} lines (at most {MAX_CHANGED_LINES} for a "
                          f"reference of {LARGE_REFERENCE_LINES}+ lines); copy the current reference and change only "
                          "the mistake (and the docstring)")
    return errors
