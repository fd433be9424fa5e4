"""The learning path: `judge next` shows every track's next step (the capstone included), `judge start` names
unsolved prerequisites and still starts."""

from __future__ import annotations

import json

from helpers import REPO, judge

from judge.cli.progress import next_per_track, next_problem
from judge.engine.problems import list_problems

PROBLEMS = list_problems(REPO)
FULL = (1.0, 1.0)


def _steps(solved: set[str]) -> dict:
    return {s.track: s for s in next_per_track(PROBLEMS, {pid: FULL for pid in solved})}


def test_every_track_has_a_step_from_the_first_day():
    steps = _steps(set())
    tracks = list(dict.fromkeys(p.track.id for p in PROBLEMS))
    assert list(steps) == tracks and "capstone" in steps
    assert all(s.problem is not None for s in steps.values())
    cap = steps["capstone"]
    assert cap.problem.id == "tiny_transformer"
    # the whole chain down, in curriculum order, and the one to open it with
    assert {"cross_entropy_backward", "log_softmax", "cross_entropy", "causal_mask"} <= set(cap.missing)
    assert cap.missing.index("causal_mask") < cap.missing.index("cross_entropy_backward")
    assert cap.start_with == "causal_mask"


def test_a_track_opens_when_its_chain_is_solved_and_closes_when_done():
    chain = {"causal_mask", "masked_softmax", "scaled_dot_product_attention", "cross_entropy", "log_softmax",
             "cross_entropy_backward"}
    steps = _steps(chain)
    assert steps["capstone"].problem.id == "tiny_transformer" and steps["capstone"].missing == []
    every = {p.id for p in PROBLEMS}
    steps = _steps(every - {"compare_objectives"})
    assert steps["capstone"].problem.id == "compare_objectives" and steps["masks"].problem is None
    assert next_problem(PROBLEMS, {pid: FULL for pid in every - {"compare_objectives"}})[0].id == \
        "compare_objectives"


def test_next_and_start_on_the_command_line(tmp_path):
    db = str(tmp_path / "h.db")
    proc = judge("next", "--db", db)
    assert proc.returncode == 0 and "Every track:" in proc.stdout
    assert "  capstone" in proc.stdout and "tiny_transformer after" in proc.stdout
    doc = json.loads(judge("next", "--json", "--db", db).stdout)
    assert [t["track"] for t in doc["tracks"]][-1] == "capstone"
    root = tmp_path / "repo"
    root.mkdir()
    (root / "problems").symlink_to(REPO / "problems")
    started = judge("start", "tiny_transformer", root=root)
    assert started.returncode == 0 and (root / "workspace" / "tiny_transformer.py").is_file()
    assert "prerequisites cross_entropy_backward, scaled_dot_product_attention, causal_mask are not solved" \
        in started.stdout
    assert "not solved" not in judge("start", "causal_mask", root=root).stdout
