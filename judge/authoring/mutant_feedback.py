"""What a mutant's author says a learner with that bug should be told, checked against what the judge told it.

A mutant declares it on a line of its docstring: ``Feedback: "phrase"`` (one or more lines, each a phrase). The
phrase must appear, case and runs of whitespace aside, in the message of at least one test the mutant does not
pass, as the learner sees it (hidden tests under their feedback policy). A hint that points at the wrong line
of code (the phrase is missing) fails ``judge validate``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from judge.engine.verdicts import Verdict

_FEEDBACK = re.compile(r'^\s*Feedback:\s*"(?P<phrase>[^"]+)"\s*$', re.MULTILINE)


def declared_feedback(mutant: Path) -> list[str]:
    """The phrases a mutant's docstring declares (parsed, never imported); [] when it declares none."""
    try:
        doc = ast.get_docstring(ast.parse(mutant.read_text(encoding="utf-8"))) or ""
    except (SyntaxError, ValueError, OSError):
        return []
    return [m["phrase"] for m in _FEEDBACK.finditer(doc)]


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def missing_feedback(phrases: list[str], result: dict[str, Any]) -> list[str]:
    """The declared phrases no failing test's message of ``result`` contains."""
    said = [_flat(t["message"]) for t in result["tests"] if t["status"] != Verdict.PASSED and t.get("message")]
    return [p for p in phrases if not any(_flat(p) in m for m in said)]
