"""How much time a submission gets: a budget per test, a budget for the whole submission, and when to stop.

A hanging submission should cost seconds, not minutes, without costing an honest slow one its partial credit:

- Each test has ``time_s`` seconds of CPU (problem.toml ``time_limit_s``), shared by its calls. A call that
  waits instead of working (sleep, a blocking read) is stopped once it has waited that long (the executor).
- After **a test times out**, each later test gets a short **probation** budget (a tenth of ``time_s``, at
  least :data:`PROBATION_MIN_S`), which an honest call on a small input still meets by a wide margin, so those
  tests keep their points, while each hanging call now costs little. A test that ends any other way than a
  timeout ends the probation. After **five timeouts in a row** the submission has shown that it hangs: the tests
  left are **not run** (``timeout``, with a message that says why) and the worker is stopped. One full budget
  before probation, not two: the per-test budget is at least :data:`MIN_TIME_S`, wide enough that an honest
  call's CPU spike does not reach it, and a hang then costs about what two budgets of 0.25 s cost before
  (``bench/hangs.py``, figure 3).
- The whole submission has ``submission_s`` seconds (problem.toml ``submission_time_limit_s``): once the time
  charged to it (CPU time, or wall time for a call that waited) reaches that, the tests left are **not run**:
  each gets ``timeout`` with a message that says why, and the worker is stopped.

The numbers that make this safe for honest code are checked by ``judge validate``, which measures the
reference's cost per test and in all: limits are set at :data:`MARGIN` (10x) of it, and validate fails a problem
whose limits leave less than :data:`HARD_MARGIN` (5x) on the day it measures.
"""

from __future__ import annotations

import math

PROBATION_SHARE = 0.1
PROBATION_MIN_S = 0.05
TIMEOUTS_BEFORE_PROBATION = 1
TIMEOUTS_BEFORE_STOP = 5  # one at the full budget and four on probation: the submission hangs
MARGIN = 10.0  # limits are set at least this many times the reference's measured cost (suggested_limits)
HARD_MARGIN = 5.0  # judge validate fails limits below this many times it (room for a measurement on a bad day)
TICK_S = 0.01  # CPU time is read in clock ticks: a measured cost may be one tick more than the real one
# No per-test limit below this. CPU time is read in 10 ms ticks, and fresh memory is paid for in page faults whose
# cost varies: on a 2-core cloud VM, `np.tril(np.ones((2048, 2048))).astype(bool)` (an honest causal mask built the
# naive way) took 19-28 ms of CPU in most of 40 fresh processes, but 138 and 172 ms in two of them.
MIN_TIME_S = 0.5
HANG_SHARE = 2.5  # the whole-submission budget is at least this many per-test budgets (a hang stops before it)


def default_submission_s(time_s: float) -> float:
    """The whole-submission budget when problem.toml does not state one."""
    return HANG_SHARE * time_s


def suggested_limits(per_test_s: list[float], total_s: float | None = None) -> tuple[float, float]:
    """Per-test and whole-submission limits for a reference that costs ``per_test_s`` (``total_s`` in all, by
    default their sum): :data:`MARGIN` times its costliest test and its total, rounded up to a twentieth of a
    second, never below :data:`MIN_TIME_S`."""
    def up(x: float) -> float:
        return math.ceil(x * 20 - 1e-9) / 20

    total_s = sum(per_test_s) if total_s is None else total_s
    time_s = max(MIN_TIME_S, up(MARGIN * max(per_test_s, default=0.0)))
    return time_s, max(up(HANG_SHARE * time_s), up(MARGIN * total_s))


def limit_problems(time_s: float, submission_s: float, per_test_s: list[float],
                   total_s: float | None = None) -> list[str]:
    """Why these limits leave the reference less than :data:`HARD_MARGIN` of room (empty when they do not); a
    measured cost is taken one clock tick lower, since a reading can be one tick high."""
    worst = max((max(0.0, c - TICK_S) for c in per_test_s), default=0.0)
    total = max(0.0, (sum(per_test_s) if total_s is None else total_s) - TICK_S)
    found = []
    good_time, good_submission = suggested_limits(per_test_s, total_s)
    if time_s < HARD_MARGIN * worst:
        found.append(f"time_limit_s = {time_s:g} is less than {HARD_MARGIN:g}x the reference's costliest test "
                     f"({worst:.3f} s); raise it to {good_time:g} ({MARGIN:g}x)")
    if submission_s < HARD_MARGIN * total:
        found.append(f"submission_time_limit_s = {submission_s:g} is less than {HARD_MARGIN:g}x the reference's "
                     f"cost in all ({total:.3f} s); raise it to {good_submission:g} ({MARGIN:g}x)")
    return found


def _timeouts(n: int) -> str:
    return "a test timed out" if n == 1 else f"{n} tests in a row timed out"


class SubmissionClock:
    """The time policy of one submission (one per proxy; the trusted side alone updates it)."""

    def __init__(self, time_s: float, submission_s: float | None = None) -> None:
        self.time_s = time_s
        self.submission_s = submission_s if submission_s is not None else default_submission_s(time_s)
        self.probation_s = max(PROBATION_MIN_S, PROBATION_SHARE * time_s)
        self.used_s = 0.0
        self.timeouts_in_a_row = 0
        self.test_timed_out = False
        self.test_budget = time_s
        self.budget = time_s
        self.stopped: str | None = None  # why the tests left are not run

    @property
    def test_used_s(self) -> float:
        """What the current test has been charged so far."""
        return max(0.0, self.test_budget - self.budget)

    @property
    def on_probation(self) -> bool:
        return self.timeouts_in_a_row >= TIMEOUTS_BEFORE_PROBATION

    def begin_test(self) -> None:
        """A new test starts: give it its budget."""
        self.test_timed_out = False
        self.test_budget = self.probation_s if self.on_probation else self.time_s
        self.budget = self.test_budget

    def end_test(self, timed_out: bool) -> None:
        """A test ended: timeouts in a row are counted, any other verdict ends the run of them."""
        self.timeouts_in_a_row = self.timeouts_in_a_row + 1 if timed_out or self.test_timed_out else 0
        if self.stopped is None and self.timeouts_in_a_row >= TIMEOUTS_BEFORE_STOP:
            self.stopped = (f"not run: your code timed out in {TIMEOUTS_BEFORE_STOP} tests in a row (the last "
                            f"{TIMEOUTS_BEFORE_STOP - TIMEOUTS_BEFORE_PROBATION} with a shorter limit of "
                            f"{self.probation_s:g} s), so the tests left were not run")

    def call_budget(self) -> float:
        """What the next call may use: what is left of the test's budget, within what is left of the whole."""
        return max(0.0, min(self.budget, self.submission_s - self.used_s))

    def charge(self, seconds: float, timed_out: bool) -> None:
        """Record what a call cost (the trusted side's reading) and whether it timed out."""
        seconds = seconds if math.isfinite(seconds) and seconds > 0 else 0.0
        self.budget -= seconds
        self.used_s += seconds
        if timed_out:
            self.test_timed_out = True
        if self.stopped is None and self.used_s >= self.submission_s - 1e-9:
            self.stopped = (f"not run: your submission used its whole time budget ({self.submission_s:g} s for all "
                            "tests together), so the tests left were stopped")

    def describe_timeout(self) -> str:
        """What to add to a timeout's message about the limit that applied."""
        if self.on_probation:
            after = _timeouts(TIMEOUTS_BEFORE_PROBATION)
            return (f" (a shorter limit of {self.probation_s:g} s applies after {after}; "
                    f"the usual limit is {self.time_s:g} s per test)")
        return ""
