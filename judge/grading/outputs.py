"""The files ``judge grade`` writes from the gradebook: grades.csv, results/, feedback/ (streamed per student), and
with a course the LMS exports (canvas.csv, moodle.csv) with weights, late penalties and overrides applied.

A manual override replaces the graded score of its pair everywhere (the late penalty still applies; an extension
in course.toml is how lateness is waived) and is shown as an override: a column of grades.csv, a line of the
student's feedback, a mark in report.html.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from judge.engine.verdicts import ResultStatus, Verdict
from judge.feedback.messages import collapse

from .course import Assignment, Course
from .gradebook import Gradebook
from .inert_text import csv_number, csv_writer, visible

JUDGE_ERROR_CELL = ResultStatus.JUDGE_ERROR.value  # what grades.csv shows where the judge failed (no score)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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


def assignment_score(course: Course, student: str, assignment: Assignment, rows: dict[str, dict[str, Any]],
                     maxima: dict[str, float], times: dict[tuple[str, str], str | None]) -> float | None:
    """The assignment's points for one student: weighted fractions of each problem's max score, each times its
    late factor, scaled to ``assignment.points``; None while any of its problems is a judge error."""
    earned = 0.0
    for problem, weight in assignment.problems.items():
        score = effective_score(rows.get(problem))
        if score is None:
            return None
        fraction = score / maxima[problem] if maxima.get(problem) else 0.0
        earned += weight * fraction * course.late(student, problem, times.get((student, problem))).factor
    return round(assignment.points * earned / sum(assignment.problems.values()), 2)


def write_lms_exports(book: Gradebook, out: Path, course: Course) -> list[Path]:
    """canvas.csv (Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per
    assignment, a Points Possible row) and moodle.csv (Email address, ID number, Full name, one column per
    assignment). A cell is empty while a judge error leaves the assignment's score unknown."""
    maxima = book.problem_max_scores()
    times = book.submission_times()
    graded = dict(book.iter_roster())
    canvas, moodle = out / "canvas.csv", out / "moodle.csv"
    for path in (canvas, moodle):
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv_writer(fh)
            if path == canvas:
                writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                                 *(a.canvas_column for a in course.assignments)])
                writer.writerow(["Points Possible", "", "", "", "",
                                 *(csv_number(a.points) for a in course.assignments)])
            else:
                writer.writerow(["Email address", "ID number", "Full name", *(a.title for a in course.assignments)])
            for info in course.students:
                sid = info["id"]
                cells = [assignment_score(course, sid, a, graded.get(sid, {}), maxima, times)
                         for a in course.assignments]
                if path == canvas:
                    lead = [info.get("name", sid), info.get("canvas_id", ""), info.get("sis_user_id", ""),
                            info.get("sis_login_id", ""), info.get("section", "")]
                else:
                    lead = [info.get("email", ""), info.get("moodle_id", "") or info.get("sis_user_id", ""),
                            info.get("name", sid)]
                writer.writerow([*lead, *(csv_number(c) for c in cells)])
        os.replace(tmp, path)
    return [canvas, moodle]


def remove_stale(out: Path, students: list[str]) -> list[str]:
    """Delete results/<student>/ and feedback/<student>.md of students no longer in the roster; returns them."""
    keep = set(students)
    removed: set[str] = set()
    results, feedback = out / "results", out / "feedback"
    if results.is_dir():
        for d in results.iterdir():
            if d.name not in keep and d.is_dir() and not d.is_symlink():
                shutil.rmtree(d)
                removed.add(d.name)
    if feedback.is_dir():
        for f in feedback.glob("*.md"):
            if f.stem not in keep:
                f.unlink()
                removed.add(f.stem)
    return sorted(removed)


def write_csv(book: Gradebook, out: Path) -> Path:
    """grades.csv: one row per student, a column per problem (score, or judge_error), total, max, percent."""
    problems = book.problems()
    maxima = book.problem_max_scores()
    with_overrides = bool(book.overrides())
    path = out / "grades.csv"
    tmp = path.with_name(".grades.csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)
        writer.writerow(["student", *problems, "total", "max_total", "percent",
                         *(["overrides"] if with_overrides else [])])
        for student, rows in book.iter_roster():
            cells = []
            for p in problems:
                score = effective_score(rows.get(p))
                cells.append(JUDGE_ERROR_CELL if score is None else csv_number(score))
            total, max_total = student_total(rows, problems, maxima)
            pct = csv_number(None if total is None or not max_total else 100.0 * total / max_total, ".2f")
            notes = [f"{p}: {_fmt(r['override']['score'])} (was {_fmt(r['score']) or 'judge_error'}; "
                     f"{r['override']['reason']})" for p, r in sorted(rows.items()) if r.get("override")]
            writer.writerow([student, *cells, csv_number(total), csv_number(max_total), pct,
                             *(["; ".join(notes)] if with_overrides else [])])
    os.replace(tmp, path)
    return path


def feedback_markdown(student: str, rows: dict[str, dict[str, Any]], problems: list[str],
                      maxima: dict[str, float], late: dict[str, Any] | None = None,
                      not_graded: list[list[str]] | None = None) -> str:
    """What the student may see. Hidden tests' messages already follow each problem's feedback policy (the
    runner applies it); nothing else of a hidden test (inputs, expected values, source) is in a result."""
    total, max_total = student_total(rows, problems, maxima)
    lines = [f"# Feedback for {student}", ""]
    if total is None:
        lines.append(f"Total: not final (some problems could not be graded; your instructor has been told) "
                     f"out of {max_total:g}")
    else:
        pct = 100.0 * total / max_total if max_total else 0.0
        lines.append(f"Total: {total:g}/{max_total:g} ({pct:.1f}%)")
    for p in problems:
        row = rows.get(p)
        lines.append("")
        override = row.get("override") if row is not None else None
        if override is not None:
            lines.append(f"## {p}: {override['score']:g}/{maxima.get(p, 0):g} (set by your instructor: "
                         f"{override['reason']})")
            if late and late.get(p) is not None and late[p].days:
                lines.append(f"\nSubmitted {late[p].days} day(s) late: {late[p].percent:g}% off in the course "
                             f"grade.")
            continue
        if row is None or row["status"] == Verdict.JUDGE_ERROR:
            lines.append(f"## {p}: not graded (a judge error, not your fault; your instructor has been told)")
            continue
        result = row["result"]
        lines.append(f"## {p}: {row['score']:g}/{row['max_score']:g} ({row['status']})")
        if late and late.get(p) is not None and late[p].days:
            lines.append(f"\nSubmitted {late[p].days} day(s) late: {late[p].percent:g}% off in the course grade.")
        if row["status"] == ResultStatus.MISSING:
            lines.append("")
            lines.append(f"No file `{p}.py` was submitted.")
            if not_graded:
                lines.append("")
                lines.append("Files of yours that were not graded, and why:")
                lines.extend(f"- `{visible(name)}`: {why}" for name, why in not_graded)
            continue
        if row["status"] == ResultStatus.ERROR and result.get("message"):
            lines.append("")
            lines.append(f"Your file could not be loaded: {result['message']}")
        lines.append("")
        lines.append("| test | kind | result | points |")
        lines.append("|---|---|---|---|")
        for t in result["tests"]:
            lines.append(f"| `{t['name']}` | {t['visibility']} | {t['status']} | {t['score']:g}/{t['max_score']:g} |")
        failures = [t for t in result["tests"] if t["status"] != Verdict.PASSED and t["message"]]
        if failures and row["status"] != ResultStatus.ERROR:
            lines.append("")
            lines.append("What went wrong:")
            for shown in collapse(failures):  # an identical message once, with how many more tests it applies to
                t = shown.test
                lines.append("")
                names = ", ".join("`" + x["name"] + "`" for x in shown.same[:8])
                same = f"; {shown.note}: {names}" if shown.same else ""
                more = f" and {len(shown.same) - 8} more" if len(shown.same) > 8 else ""
                lines.append(f"- `{t['name']}` ({t['visibility']}, {t['status']}{same}{more}):")
                lines.append("")
                lines.append("  ```")
                lines.extend(f"  {line}" for line in t["message"].splitlines()[:14])
                lines.append("  ```")
        if result.get("stdout"):
            lines.append("")
            lines.append("Your code printed:")
            lines.append("")
            lines.append("```")
            lines.extend(result["stdout"].splitlines()[:20])
            lines.append("```")
    return "\n".join(lines) + "\n"


def write_student_files(book: Gradebook, out: Path, *, gradescope: bool = False,
                        course: Course | None = None) -> None:
    """results/<student>/<problem>.json, feedback/<student>.md, and with ``gradescope``
    results/<student>/results.json; one student in memory at a time."""
    from .gradescope import to_gradescope

    problems = book.problems()
    maxima = book.problem_max_scores()
    times = book.submission_times() if course is not None else {}
    not_graded = json.loads(book.meta("not_graded") or "{}")
    for student, rows in book.iter_roster():
        late = {p: course.late(student, p, times.get((student, p))) for p in problems} if course else None
        folder = out / "results" / student
        for p in problems:
            row = rows.get(p)
            target = folder / f"{p}.json"
            if row is not None and row["result"] is not None and row["status"] != Verdict.JUDGE_ERROR:
                _atomic_write(target, json.dumps(row["result"], indent=2, sort_keys=True) + "\n")
            elif target.exists():
                target.unlink()
        _atomic_write(out / "feedback" / f"{student}.md", feedback_markdown(student, rows, problems, maxima, late,
                                                                         not_graded.get(student)))
        if gradescope:
            results = [rows[p]["result"] for p in problems
                       if p in rows and rows[p]["result"] is not None and rows[p]["status"] != Verdict.JUDGE_ERROR]
            errors = [p for p in problems if p not in rows or rows[p]["status"] == Verdict.JUDGE_ERROR]
            doc = to_gradescope(results, judge_errors=errors)
            overridden = {q: r for q, r in rows.items() if r.get("override")}
            if overridden:  # the top-level score wins over the tests' sum in Gradescope
                doc["score"] = round(sum(effective_score(rows.get(q)) or 0.0 for q in problems), 6)
                doc["output"] += "".join(f"\n{q}: set to {r['override']['score']:g} by your instructor "
                                         f"({r['override']['reason']})" for q, r in sorted(overridden.items()))
            _atomic_write(folder / "results.json", json.dumps(doc, indent=2) + "\n")
