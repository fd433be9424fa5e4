"""The score policy, in one module, used by every output (grades.csv, the LMS exports, the feedback files and
report.html): an override replaces the graded score, a judge error has no score (never a silent 0) and leaves
totals unknown, and an assignment's points are weighted fractions of its problems, each times its late factor.

A manual override replaces the graded score of its pair everywhere; the late penalty still applies (an extension
in course.toml is how lateness is waived).
"""

from __future__ import annotations

from typing import Any

from judge.engine.verdicts import Verdict

from .course import Assignment, Course, Late


def effective_score(row: dict[str, Any] | None) -> float | None:
    """The score that counts: an override's, else the graded one; None for a judge error without override."""
    if row is None:
        return None
    if row.get("override") is not None:
        return row["override"]["score"]
    return None if row["status"] == Verdict.JUDGE_ERROR else row["score"]


def student_total(rows: dict[str, dict[str, Any]], problems: list[str], maxima: dict[str, float]
                  ) -> tuple[float | None, float]:
    """(total score, total max score); the total is None when any pair is a judge_error (never a silent 0)."""
    total, complete = 0.0, True
    for p in problems:
        score = effective_score(rows.get(p))
        if score is None:
            complete = False
        else:
            total += score
    return (round(total, 6) if complete else None), round(sum(maxima.get(p, 0.0) for p in problems), 6)


def late_of(course: Course, student: str, problem: str, times: dict[tuple[str, str], str | None],
            notes: dict[tuple[str, str], dict[str, Any]]) -> Late:
    """The late penalty of a pair from its time, or from an LMS LATE mark without one; a time the student could
    set (a trusted commit date) is said so in the note."""
    note = notes.get((student, problem), {})
    late = course.late(student, problem, times.get((student, problem)), bool(note.get("late_mark")))
    if late.days and "student's clock" in note.get("time_source", ""):
        return Late(late.days, late.factor, "from a commit date, which the student's clock sets")
    return late


def assignment_score(course: Course, student: str, assignment: Assignment, rows: dict[str, dict[str, Any]],
                     maxima: dict[str, float], times: dict[tuple[str, str], str | None],
                     notes: dict[tuple[str, str], dict[str, Any]] | None = None) -> float | None:
    """The assignment's points for one student: weighted fractions of each problem's max score, each times its
    late factor, scaled to ``assignment.points``; None while any of its problems is a judge error."""
    earned = 0.0
    for problem, weight in assignment.problems.items():
        score = effective_score(rows.get(problem))
        if score is None:
            return None
        fraction = score / maxima[problem] if maxima.get(problem) else 0.0
        earned += weight * fraction * late_of(course, student, problem, times, notes or {}).factor
    return round(assignment.points * earned / sum(assignment.problems.values()), 2)
