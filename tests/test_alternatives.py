"""A second, differently written correct solution (solutions/<id>/alternatives/*.py) scores full marks, for every
problem that has one outside the capstone (tests/test_capstone.py checks the capstone's); every problem of the
tasks track has one, as issue 21 asks."""

from __future__ import annotations

import pytest
from helpers import REPO, judge_json

from judge.engine.problems import load_problem, problem_ids

IDS = problem_ids(REPO)


def track_of(problem_id: str) -> str:
    return load_problem(REPO, problem_id).meta["track"]


def alternatives() -> list[tuple[str, object]]:
    return [(pid, path) for pid in IDS if track_of(pid) != "capstone"
            for path in sorted((REPO / "solutions" / pid / "alternatives").glob("*.py"))]


def test_every_tasks_problem_has_an_alternative():
    """Each problem of the tasks track ships a second correct solution."""
    tasks = {pid for pid in IDS if track_of(pid) == "tasks"}
    assert tasks, "the tasks track has no problem"
    assert tasks <= {pid for pid, _ in alternatives()}, sorted(tasks - {pid for pid, _ in alternatives()})


@pytest.mark.slow
@pytest.mark.parametrize("problem_id,path", alternatives(), ids=lambda v: getattr(v, "name", v))
def test_alternative_scores_full_marks(problem_id, path, tmp_db):
    """A second correct solution, written differently, gets every point of the public and hidden tests."""
    code, res = judge_json("submit", problem_id, str(path), "--db", tmp_db)
    failed = [(t["name"], t["message"][:200]) for t in res["tests"] if t["status"] != "passed"]
    assert code == 0 and res["score"] == res["max_score"] > 0, failed
