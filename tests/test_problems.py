"""Every problem in the repository passes `judge validate`, which judges each reference (full marks, results that
follow the schema), starter (0) and mutant (caught by a hidden test, below full marks) exactly once, and under
hidden_feedback = "summary" checks that no hidden test id or message shows an input (judge/authoring/privacy.py).
The command line's own paths (submit, test, exit codes, --json) are tested in test_cli.py."""

from __future__ import annotations

import re

import pytest
from helpers import REPO, judge_json

from judge.engine.problems import problem_ids

IDS = problem_ids(REPO)


def test_curriculum_is_not_empty():
    assert "causal_mask" in IDS


@pytest.mark.slow
@pytest.mark.parametrize("problem_id", IDS)
def test_validate(problem_id):
    """judge validate ID: schema, statement, privacy, reference full marks, starter zero, every mutant caught."""
    code, report = judge_json("validate", problem_id)
    (entry,) = report
    assert code == 0, entry["errors"]
    assert entry["ok"] and entry["mutants_caught"] == entry["mutants_total"] >= 3
    full = re.fullmatch(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", entry["reference"])
    assert full and full.group(1) == full.group(2) and float(full.group(2)) > 0, entry["reference"]
    assert entry["starter"] == f"0/{full.group(2)}", entry["starter"]
