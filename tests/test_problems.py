"""Every problem in the repository: `judge validate` passes, and `judge submit` scores the reference at
max_score, the starter at 0 and every mutant below max_score, with results that follow the schema."""

from __future__ import annotations

import pytest
from helpers import REPO, judge_json

from judge.authoring.privacy import leaked_input
from judge.engine.problems import load_problem, problem_ids
from judge.engine.results import validate_result

IDS = problem_ids(REPO)


def test_curriculum_is_not_empty():
    assert "causal_mask" in IDS


@pytest.mark.parametrize("problem_id", IDS)
def test_validate(problem_id):
    """judge validate ID: schema, statement, reference full marks, starter zero, every mutant caught."""
    code, report = judge_json("validate", problem_id)
    (entry,) = report
    assert code == 0, entry["errors"]
    assert entry["ok"] and entry["mutants_caught"] == entry["mutants_total"] >= 3


@pytest.mark.parametrize("problem_id", IDS)
def test_submit_reference_starter_mutants(problem_id, tmp_db):
    """Through the CLI: reference max_score, starter 0, mutants below max_score; JSON follows the schema."""
    code, ref = judge_json("submit", problem_id, f"solutions/{problem_id}/reference.py", "--db", tmp_db)
    validate_result(ref)
    assert code == 0 and ref["status"] == "passed" and ref["score"] == ref["max_score"] > 0
    code, start = judge_json("submit", problem_id, f"problems/{problem_id}/starter.py", "--db", tmp_db)
    validate_result(start)
    assert code == 1 and start["score"] == 0
    # judge validate (above) runs every mutant; here three of them go through the real command line.
    summary = load_problem(REPO, problem_id).hidden_feedback == "summary"
    for mutant in sorted((REPO / "solutions" / problem_id / "mutants").glob("*.py"))[:3]:
        code, res = judge_json("submit", problem_id, str(mutant), "--db", tmp_db)
        validate_result(res)
        assert code == 1 and res["score"] < res["max_score"], mutant.name
        if summary:  # what hidden tests say follows the policy (test_privacy.py checks the ids)
            for t in res["tests"]:
                if t["visibility"] == "hidden":
                    assert leaked_input(t["message"]) is None, f"{mutant.name}: {t['name']}: {t['message']}"
