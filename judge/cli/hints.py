"""Staged hints: a statement's ``## Hints`` section, one list item per hint, revealed one at a time.

A hint is a top-level list item (``- `` or ``1. ``) of the ``## Hints`` section of ``problems/<id>/README.md``;
indented lines that follow belong to the same hint. ``judge show`` prints the statement without that section,
and ``judge hint ID`` reveals the next hint and records it in the history.
"""

from __future__ import annotations

import re

HINTS_HEADING = re.compile(r"^##\s+Hints\s*$", re.IGNORECASE)
ITEM = re.compile(r"^(?:[-*]|\d+\.)\s+")


def _section(lines: list[str]) -> tuple[int, int] | None:
    """[start, end) line indices of the ``## Hints`` section, heading included, or None."""
    for i, line in enumerate(lines):
        if HINTS_HEADING.match(line):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
            return i, end
    return None


def parse_hints(statement: str) -> list[str]:
    """The hints of a statement, in order (each item's text, continuation lines joined)."""
    lines = statement.splitlines()
    span = _section(lines)
    if span is None:
        return []
    hints: list[str] = []
    for line in lines[span[0] + 1:span[1]]:
        if ITEM.match(line):
            hints.append(ITEM.sub("", line, count=1).strip())
        elif hints and line.strip() and line[:1].isspace():
            hints[-1] += " " + line.strip()
    return hints


def without_hints(statement: str) -> str:
    """The statement with its ``## Hints`` section removed."""
    lines = statement.splitlines()
    span = _section(lines)
    if span is None:
        return statement
    return "\n".join(lines[:span[0]] + lines[span[1]:]).rstrip()
