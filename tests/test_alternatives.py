"""A second, differently written correct solution of a problem (solutions/<id>/alternatives/*.py) scores full
marks: the tests accept every correct way of solving it, not only the reference's. The capstone's alternatives
are checked in test_capstone.py; this file checks every other problem's, and that each problem of the tasks
track has one."""

from __future__ import annotations

import pytest
from conftest import REPO, judge_json
from test_capstone import CAPSTONE

from judge.engine.problems import list_problems

PROBLEMS = list_problems(REPO)


def alternatives() -> list[tuple[str, object]]:
    return [(p.id, path) for p in PROBLEMS if p.id not in CAPSTONE
            for path in sorted((REPO / "solutions" / p.id / "alternatives").glob("*.py"))]


def test_every_tasks_problem_has_an_alternative():
    """Issue 21: each problem of the tasks track comes with a second correct solution."""
    tasks = {p.id for p in PROBLEMS if p.track is not None and p.track.id == "tasks"}
    assert tasks, "the tasks track has no problem"
    assert tasks <= {pid for pid, _ in alternatives()}, sorted(tasks - {pid for pid, _ in alternatives()})


@pytest.mark.parametrize("problem_id,path", alternatives(), ids=lambda v: getattr(v, "name", v))
def test_alternative_scores_full_marks(problem_id, path, tmp_db):
    """The alternative gets every point of the public and hidden tests."""
    code, res = judge_json("submit", problem_id, str(path), "--db", tmp_db)
    failed = [(t["name"], t["message"][:200]) for t in res["tests"] if t["status"] != "passed"]
    assert code == 0 and res["score"] == res["max_score"] > 0, failed
