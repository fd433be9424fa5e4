"""A hanging submission costs seconds, not minutes (judge/engine/time_policy.py): after a timeout the tests
left run on a short probation budget, and once the whole submission's budget is spent they are not run at all;
no worker is left running. The assertions are on verdicts and messages, never on timings."""

from __future__ import annotations

import os

import pytest
from helpers import REPO, judge_json, left_alive

from judge.engine.problems import load_problem
from judge.engine.time_policy import SubmissionClock

pytestmark = pytest.mark.slow

RUN_TAG = f"hangs{os.getpid()}"
BUSY = "def cross_entropy(*args, **kwargs):\n    while True:\n        pass\n"
SLEEPS = "import time\n\ndef causal_mask(seq_len):\n    time.sleep(3600)\n"


def test_a_submission_that_hangs_in_every_call_is_stopped_early(tmp_path):
    path = tmp_path / "cross_entropy.py"
    path.write_text(BUSY)
    code, result = judge_json("submit", "cross_entropy", str(path), "--db", str(tmp_path / "db.sqlite"),
                              env={"JUDGE_RUN_TAG": RUN_TAG}, timeout=300)
    tests = result["tests"]
    problem = load_problem(REPO, "cross_entropy")
    clock = SubmissionClock(problem.time_limit_s, problem.submission_time_limit_s)
    assert code == 1 and result["score"] == 0 and len(tests) > 20
    assert all(t["status"] == "timeout" for t in tests), {t["status"] for t in tests}
    first, second = tests[0]["message"], tests[1]["message"]
    assert first.startswith("time limit exceeded during the call") and "shorter limit" not in first
    assert f"{clock.time_s:g} s" in first  # the limit that applied (CPU budget, or the wall deadline on a busy day)
    assert f"shorter limit of {clock.probation_s:g} s" in second  # the test right after a timeout: probation
    probation = [t for t in tests if f"shorter limit of {clock.probation_s:g} s" in t["message"]
                 and not t["message"].startswith("not run")]
    not_run = [t for t in tests if t["message"].startswith("not run:")]
    assert probation and not_run, [t["message"][:60] for t in tests]
    assert tests[-1] in not_run
    assert ("tests in a row" in not_run[0]["message"]
            or f"whole time budget ({clock.submission_s:g} s" in not_run[0]["message"]), not_run[0]["message"]
    assert tests.index(not_run[0]) > tests.index(probation[-1])  # probation first, then nothing runs at all
    assert not left_alive(RUN_TAG)


@pytest.mark.parametrize("tier", ["bwrap", "process"])
def test_a_call_that_sleeps_is_stopped_at_its_budget_and_says_so(tier, tmp_path):
    from judge.sandbox.launch import available_tiers

    if tier not in available_tiers():
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    path = tmp_path / "redteam.py"
    path.write_text(SLEEPS)
    code, result = judge_json("submit", "redteam", str(path), "--db", str(tmp_path / "db.sqlite"),
                              root=REPO / "tests" / "redteam" / "root",
                              env={"JUDGE_RUN_TAG": RUN_TAG, "JUDGE_SANDBOX": tier}, timeout=300)
    assert [t["status"] for t in result["tests"]] == ["timeout", "timeout"]
    assert all("without using the CPU" in t["message"] for t in result["tests"]), result["tests"]
