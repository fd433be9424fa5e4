"""The verdict table (judge/engine/verdicts.py), walked row by row: every observation has exactly one verdict,
``judge_error`` only for what the judge can prove is its own, a protocol fault is the submission's once the worker
booted, and a worker's end, a learner exception and a whole result map as the statements and README promise.
Pure functions: no worker, no pytest session."""

from __future__ import annotations

import pytest

from judge.engine.verdicts import (
    JUDGE_OWN,
    LEARNER_OWN,
    ResultStatus,
    Seen,
    Verdict,
    decide,
    from_exception,
    protocol_fault,
    result_status,
    stored_status,
    worker_end,
)

# The table as the README and ARCHITECTURE state it, written out independently of verdicts.py.
EXPECTED = {
    Seen.SANDBOX_NOT_STARTED: "judge_error", Seen.SUBMISSION_NOT_PLACED: "judge_error", Seen.NO_BOOT: "judge_error",
    Seen.PROTOCOL_FAULT_BEFORE_BOOT: "judge_error", Seen.TEST_FAULT: "judge_error",
    Seen.TEST_SETUP_FAILED: "judge_error", Seen.TEST_SKIPPED: "judge_error", Seen.NOT_REPORTED: "judge_error",
    Seen.PROTOCOL_FAULT_AFTER_BOOT: "crashed", Seen.KILLED_BY_SIGNAL: "crashed", Seen.EXITED: "crashed",
    Seen.STOPPED_ANSWERING: "crashed",
    Seen.TIME_LIMIT: "timeout", Seen.BUDGET_SPENT: "timeout", Seen.TRUSTED_TIMEOUT: "timeout",
    Seen.DEADLINE_UNGRADED: "timeout",
    Seen.FUNCTION_MISSING: "missing", Seen.NO_FILE: "missing",
    Seen.FILE_UNLOADABLE: "invalid", Seen.LOAD_RAISED: "invalid", Seen.IMPORT_REFUSED: "forbidden",
    Seen.CHECK_PASSED: "passed",
    Seen.CHECK_FAILED: "failed", Seen.VALUE_UNUSABLE: "failed", Seen.WRONG_TYPE: "failed", Seen.INPUT_MUTATED: "failed",
    Seen.LEARNER_RAISED: "error",
}


@pytest.mark.parametrize("seen", list(Seen), ids=lambda s: s.name)
def test_each_row_of_the_table(seen):
    assert decide(seen) == EXPECTED[seen]
    assert isinstance(decide(seen), Verdict)


PROVABLY_THE_JUDGES = {Seen.SANDBOX_NOT_STARTED, Seen.SUBMISSION_NOT_PLACED, Seen.NO_BOOT,
                       Seen.PROTOCOL_FAULT_BEFORE_BOOT, Seen.TEST_FAULT, Seen.TEST_SETUP_FAILED, Seen.TEST_SKIPPED,
                       Seen.NOT_REPORTED}


def table_problems(judge_own: frozenset, learner_own: dict) -> list[str]:
    """What is wrong with a verdict table: an observation in neither or both columns, a learner-side row that
    gives judge_error, a judge-side row the judge cannot prove is its own."""
    problems = [f"{s.name} in no column" for s in Seen if s not in judge_own and s not in learner_own]
    problems += [f"{s.name} in both columns" for s in judge_own & set(learner_own)]
    problems += [f"{s.name} gives judge_error" for s, v in learner_own.items() if v is Verdict.JUDGE_ERROR]
    problems += [f"{s.name} is not provably the judge's" for s in judge_own - PROVABLY_THE_JUDGES]
    return problems


def test_every_observation_is_in_exactly_one_column():
    assert set(EXPECTED) == set(Seen)
    assert table_problems(JUDGE_OWN, LEARNER_OWN) == []


def test_judge_error_only_for_what_the_judge_can_prove_is_its_own():
    """No learner-side observation maps to judge_error, and what does is before any learner code ran (the sandbox,
    the placement, the boot) or in the test's own code."""
    assert {s for s in Seen if decide(s) is Verdict.JUDGE_ERROR} == JUDGE_OWN == PROVABLY_THE_JUDGES


def test_the_table_check_sees_a_learner_fault_made_the_judges():
    """The mutants a careless edit of the table would be: a post-boot fault moved to the judge's column, or given
    judge_error in the learner's."""
    moved = dict(LEARNER_OWN)
    del moved[Seen.PROTOCOL_FAULT_AFTER_BOOT]
    assert table_problems(JUDGE_OWN | {Seen.PROTOCOL_FAULT_AFTER_BOOT}, moved) == \
        ["PROTOCOL_FAULT_AFTER_BOOT is not provably the judge's"]
    assert table_problems(JUDGE_OWN, {**LEARNER_OWN, Seen.EXITED: Verdict.JUDGE_ERROR}) == ["EXITED gives judge_error"]
    assert table_problems(JUDGE_OWN, moved) == ["PROTOCOL_FAULT_AFTER_BOOT in no column"]


def test_a_protocol_fault_is_crashed_once_the_worker_booted_else_judge_error():
    assert decide(protocol_fault(booted=True)) is Verdict.CRASHED
    assert decide(protocol_fault(booted=False)) is Verdict.JUDGE_ERROR


@pytest.mark.parametrize("timed_out, code, signal, verdict", [
    (True, None, None, "timeout"),  # the judge's own CPU or wall clock stopped it
    (True, -9, "SIGKILL", "timeout"),  # killed by the judge because of the timeout: still a timeout
    (False, -24, "SIGXCPU", "timeout"),  # RLIMIT_CPU, the backstop
    (False, -11, "SIGSEGV", "crashed"),
    (False, -9, "SIGKILL", "crashed"),  # killed by something else (the OOM killer, itself)
    (False, 3, None, "crashed"),  # os._exit(3)
    (False, 0, None, "crashed"),  # os._exit(0) mid-call is no answer either
    (False, None, None, "crashed"),  # closed its pipe and did not exit in time
])
def test_how_a_worker_ended(timed_out, code, signal, verdict):
    assert decide(worker_end(timed_out, code, signal)) == verdict


@pytest.mark.parametrize("exc_type, builtin, loading, verdict", [
    ("ValueError", "ValueError", False, "error"),
    ("ValueError", "ValueError", True, "invalid"),
    ("MyError", None, False, "error"),
    ("MemoryError", "MemoryError", False, "memory"),
    ("NumpyAllocFailure", "MemoryError", False, "memory"),  # a subclass the worker reports by its builtin base
    ("ForbiddenImport", None, True, "forbidden"),
    ("SystemExit", None, False, "crashed"),
    ("JudgeError", None, False, "error"),  # a learner cannot name their way to judge_error or timeout
    ("TimeoutError", "TimeoutError", False, "error"),
])
def test_a_learner_exception(exc_type, builtin, loading, verdict):
    assert from_exception(exc_type, builtin, loading) == verdict


def test_a_whole_result():
    assert result_status(["passed", "passed"]) is ResultStatus.PASSED
    assert result_status(["passed", "failed"]) is ResultStatus.FAILED
    assert result_status([]) is ResultStatus.FAILED  # no test is no pass
    assert result_status(["passed"], loaded=False) is ResultStatus.ERROR
    assert result_status([], submitted=False) is ResultStatus.MISSING
    assert stored_status(None) == "judge_error"
    assert stored_status({"status": "failed", "tests": [{"status": "judge_error"}]}) == "judge_error"
    assert stored_status({"status": "failed", "tests": [{"status": "failed"}]}) == "failed"
