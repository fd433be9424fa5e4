"""The time policy (judge/engine/time_policy.py): per-test budget, probation after a timeout, and the
whole-submission budget after which the tests left are not run. Pure bookkeeping here; tests/test_hangs.py
runs real hanging submissions."""

from __future__ import annotations

import pytest

from judge.engine.time_policy import PROBATION_MIN_S, SubmissionClock, default_submission_s


def run_test(clock: SubmissionClock, cost: float, timed_out: bool) -> None:
    clock.begin_test()
    clock.charge(cost, timed_out)
    clock.end_test(timed_out)


def test_a_test_gets_the_per_test_budget_and_calls_share_it():
    clock = SubmissionClock(2.0, 100.0)
    clock.begin_test()
    assert clock.call_budget() == 2.0
    clock.charge(0.5, False)
    assert clock.call_budget() == pytest.approx(1.5)
    clock.end_test(False)
    clock.begin_test()
    assert clock.call_budget() == 2.0


def test_a_timeout_puts_the_submission_on_probation_and_a_pass_ends_it():
    clock = SubmissionClock(2.0, 100.0)
    clock.begin_test()
    assert clock.call_budget() == 2.0 and not clock.on_probation
    assert clock.describe_timeout() == ""  # a timeout at the full budget says nothing about probation
    clock.charge(2.0, True)
    clock.end_test(True)
    clock.begin_test()
    assert clock.call_budget() == pytest.approx(0.2) and clock.on_probation
    assert "shorter limit of 0.2 s applies after a test timed out" in clock.describe_timeout()
    clock.charge(0.001, False)
    clock.end_test(False)
    clock.begin_test()
    assert clock.call_budget() == 2.0 and not clock.on_probation


def test_timeouts_between_other_verdicts_never_stop_the_submission():
    clock = SubmissionClock(2.0, 100.0)
    for timed_out in (True, False, True, True, True, True, False, True):
        run_test(clock, 0.1, timed_out)
    assert clock.stopped is None
    run_test(clock, 0.1, False)
    clock.begin_test()
    assert not clock.on_probation and clock.call_budget() == 2.0


def test_the_whole_submission_budget_stops_the_rest():
    clock = SubmissionClock(2.0, 4.5)
    run_test(clock, 2.0, False)
    run_test(clock, 2.0, True)
    assert clock.stopped is None
    clock.begin_test()
    assert clock.call_budget() == pytest.approx(0.2)  # probation, within the 0.5 s left of the whole
    for _ in range(3):
        run_test(clock, 0.2, True)
    assert clock.timeouts_in_a_row == 4  # not yet five in a row: the budget of the whole stopped it
    assert clock.stopped is not None and clock.stopped.startswith("not run:") and "whole time budget" in clock.stopped
    clock.begin_test()
    assert clock.call_budget() == 0.0


def test_the_last_call_never_gets_more_than_the_submission_has_left():
    clock = SubmissionClock(2.0, 3.0)
    run_test(clock, 2.5, False)
    clock.begin_test()
    assert clock.call_budget() == pytest.approx(0.5)


@pytest.mark.parametrize("cost", [float("nan"), float("inf"), -1.0])
def test_a_nonsense_cost_is_charged_as_nothing(cost):
    clock = SubmissionClock(2.0, 10.0)
    run_test(clock, cost, False)
    assert clock.used_s == 0.0


def test_defaults():
    assert default_submission_s(2.0) == 5.0 and default_submission_s(0.5) == 1.25
    assert SubmissionClock(0.25).probation_s == PROBATION_MIN_S


def test_five_timeouts_in_a_row_stop_the_rest():
    clock = SubmissionClock(0.5, 100.0)
    for i in range(5):
        assert clock.stopped is None, i
        run_test(clock, 0.5 if i < 1 else 0.05, True)
    assert clock.stopped is not None and "timed out in 5 tests in a row" in clock.stopped
    assert "the last 4 with a shorter limit of 0.05 s" in clock.stopped
    assert clock.stopped.startswith("not run:")


def test_a_pass_on_probation_starts_the_count_again():
    clock = SubmissionClock(0.25, 100.0)
    for timed_out in (True, True, True, True, False, True, True, True, True):
        run_test(clock, 0.01, timed_out)
    assert clock.stopped is None
