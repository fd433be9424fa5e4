"""The reference's measured cost against a problem's time limits (``judge validate``; see judge/engine/time_policy.py).

The cost of a test is the time the trusted side charged the reference's worker for it: CPU time of all its
processes, read from /proc in 10 ms ticks (wall time only for a call that waited). It is measured over
``repeats`` runs and the largest figure per test is kept, so one lucky run does not make a limit too tight.
"""

from __future__ import annotations

from dataclasses import dataclass

from judge.engine.plugin import TestRecord
from judge.engine.problems import Problem
from judge.engine.runner import judge_files
from judge.engine.time_policy import HARD_MARGIN, MARGIN, limit_problems, suggested_limits


@dataclass
class Cost:
    """What the reference of one problem costs (the largest figure per test over the runs, and the largest total
    of one run, which unlike a sum of per-test maxima is not biased up by the clock's ticks), and the limits."""

    problem: str
    per_test_s: list[float]
    time_s: float
    submission_s: float
    total_s: float = 0.0

    @property
    def problems(self) -> list[str]:
        return limit_problems(self.time_s, self.submission_s, self.per_test_s, self.total_s)

    @property
    def suggested(self) -> tuple[float, float]:
        return suggested_limits(self.per_test_s, self.total_s)

    def line(self) -> str:
        worst, total = max(self.per_test_s, default=0.0), self.total_s
        inf = float("inf")
        margin = min(self.time_s / worst if worst else inf, self.submission_s / total if total else inf)
        return (f"reference cost: costliest test {worst:.3f} s, all tests {total:.3f} s; limits {self.time_s:g} s "
                f"per test, {self.submission_s:g} s in all (margin {margin:.0f}x; set at {MARGIN:g}x, at least "
                f"{HARD_MARGIN:g}x)")


def measure(problem: Problem, repeats: int = 2, **options) -> Cost:
    """Judge the reference ``repeats`` times; keep each test's largest charged time and the largest run total."""
    reference = problem.path.parent.parent / "solutions" / problem.id / "reference.py"
    worst: dict[str, float] = {}
    totals: list[float] = []

    def seen(record: TestRecord) -> None:
        key = f"{record.visibility}/{record.name}"
        worst[key] = max(worst.get(key, 0.0), record.cpu_s)
        totals[-1] += record.cpu_s

    for _ in range(repeats):
        totals.append(0.0)
        judge_files(problem, [reference], "all", validate=False, on_test=seen, **options)
    return Cost(problem.id, list(worst.values()), problem.time_limit_s, problem.submission_time_limit_s,
                max(totals, default=0.0))
