"""Time limits derived from the reference (judge/authoring/limits.py, judge/engine/time_policy.py): the margin
check fails limits that leave the reference less than 10x of room and suggests values; a real measurement reads
the charged time."""

from __future__ import annotations

import pytest
from helpers import REPO

from judge.authoring.limits import Cost, measure
from judge.engine.problems import load_problem
from judge.engine.time_policy import HARD_MARGIN, MARGIN, MIN_TIME_S, limit_problems, suggested_limits


def test_limits_with_less_than_the_margin_are_named_with_a_fix():
    found = limit_problems(0.25, 0.65, [0.07, 0.005, 0.005])  # 0.06 s after a tick of doubt: 4x < 5x
    assert len(found) == 1 and "time_limit_s = 0.25" in found[0] and "raise it to 0.7 (10x)" in found[0]
    found = limit_problems(2.0, 1.0, [0.05] * 10)  # 0.4 s in all: 2.5x
    assert len(found) == 1 and "submission_time_limit_s = 1" in found[0]
    assert limit_problems(2.0, 10.0, [0.05] * 10) == []
    assert limit_problems(0.25, 0.65, [0.06, 0.01]) == []  # 5x after the tick of doubt: just enough


@pytest.mark.parametrize("costs, expected", [
    ([0.0, 0.01], (MIN_TIME_S, 2.5 * MIN_TIME_S)),  # the floor, and room for a hang to stop
    ([0.26, 0.3, 0.29], (3.0, 8.5)),  # 10x the costliest test; 10x the total, rounded up to 0.05
])
def test_suggested_limits_meet_the_margin(costs, expected):
    time_s, submission_s = suggested_limits(costs)
    assert (time_s, submission_s) == pytest.approx(expected)
    assert limit_problems(time_s, submission_s, costs) == []


def test_measuring_a_reference_reads_what_each_test_was_charged():
    problem = load_problem(REPO, "causal_mask")
    cost = measure(problem, repeats=1)
    assert len(cost.per_test_s) == 15 and all(c >= 0 for c in cost.per_test_s)
    assert cost.time_s == problem.time_limit_s and "set at 10x, at least 5x" in cost.line()
    assert Cost("x", [1.0], 2.0, 20.0).problems != []  # a test costing half its limit is flagged


def test_every_problem_states_limits_within_the_schema():
    for toml in sorted((REPO / "problems").glob("*/problem.toml")):
        problem = load_problem(REPO, toml.parent.name)
        assert problem.time_limit_s >= MIN_TIME_S
        assert problem.submission_time_limit_s >= problem.time_limit_s, toml
    assert MARGIN == 10.0 and HARD_MARGIN == 5.0
