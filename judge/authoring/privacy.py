"""What a hidden test may show learners under the ``summary`` feedback policy (problem.toml ``hidden_feedback``):
no input in its id and no input in its message. ``judge validate`` applies it to every problem, on the collected
test ids and on the messages every mutant gets under the problem's own policy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from judge.checkers.case_ids import neutral_test_id
from judge.engine.problems import HIDDEN_TESTS, Problem

# an argument list or index with a number in it, or a keyword given a number: what a summary must not show
INPUT_IN_MESSAGE = re.compile(r"\w\([^)]*\d|\w\[[^\]]*\d|\w=-?\d")


def leaked_input(message: str) -> str | None:
    """The part of a hidden test's message that shows an input, or None. Statistical bands (observed value,
    band and sample size) are allowed, as the README says; their name part is checked. The learner's own frame
    (``your code raised X (line N, in f: <your source line>)``, ``f tried to modify an input in place (line N, in
    f: <your source line>: ...)``) is the learner's code, not an input."""
    if message.startswith("your code raised") or " tried to modify an input in place (line " in message:
        message = message.split(" (line ", 1)[0]
    if message.startswith("statistical"):  # the name only: the band, sample size and hint are allowed
        message = re.split(r" = | is not uniform", message)[0]
    m = INPUT_IN_MESSAGE.search(message)
    return m.group(0) if m else None


def privacy_errors(problem: Problem, tests: list[dict[str, Any]],
                   judged: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    """Under ``summary``: every hidden test id whose parameters show values, and every hidden test message of the
    ``judged`` (file, result) pairs (judged under the problem's own policy) that shows an input. One line each,
    naming the file and the fix. Nothing under ``full``."""
    if problem.hidden_feedback != "summary":
        return []
    hidden = problem.path / HIDDEN_TESTS
    errors = [f"{hidden}: {t['name']}: a hidden test id shows its inputs under hidden_feedback = \"summary\"; "
              "pass ids=cases() (judge.checkers.case_ids) to its parametrize"
              for t in tests if t["visibility"] == "hidden" and not neutral_test_id(t["name"])]
    for path, result in judged:
        for t in result["tests"]:
            leak = leaked_input(t["message"]) if t["visibility"] == "hidden" else None
            if leak is not None:
                errors.append(f"{hidden}: {t['name']}: its summary message shows an input ('{leak}' in "
                              f"\"{t['message'][:120]}\", for {path.name}); name the check without its arguments "
                              "(checkers elide them in name=) or raise CheckFailure.elided(...)")
            for word in report_words(t):
                if (leak := leaked_input(word)) is not None:
                    errors.append(f"{problem.path}: {t['name']}: a table it shows the learner names an input "
                                  f"('{leak}' in \"{word[:120]}\", for {path.name}); show only words of the "
                                  "statement and numbers computed from the learner's outputs (show_learner)")
    return errors


NUMBERS = re.compile(r"[-+\d.e ]*|nan|inf|yes|no")


def report_words(test: dict[str, Any]) -> list[str]:
    """The words of the tables a test showed the learner (judge/checkers/learner_report.py): titles, column
    names, notes and cells that are not numbers."""
    words: list[str] = []
    for table in test.get("report", []):
        words += [table["title"], *table["header"], table.get("note", "")]
        words += [c for row in table["rows"] for c in row if not NUMBERS.fullmatch(c)]
    return words
