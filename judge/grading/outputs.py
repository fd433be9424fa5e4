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
import zipfile
from pathlib import Path
from typing import Any

from judge.engine.verdicts import ResultStatus, Verdict
from judge.feedback.messages import collapse

from .class_run import ClassRun
from .course import Assignment, Course, Late
from .gradebook import Gradebook
from .inert_text import csv_number, csv_writer, visible
from .scores import assignment_score, effective_score, late_of, student_total

JUDGE_ERROR_CELL = ResultStatus.JUDGE_ERROR.value  # what grades.csv shows where the judge failed (no score)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def graded_assignments(course: Course, problems: list[str]) -> list[Assignment]:
    """The assignments this gradebook graded every problem of: only they get a column in an LMS export (an
    import of a column of zeros would wipe grades entered elsewhere)."""
    graded = set(problems)
    return [a for a in course.assignments if set(a.problems) <= graded]


# Moodle's grade import (grade/import/csv) maps one column to a user: "Map to" userid, username, useridnumber or
# useremail; a value that names no user aborts the whole import. The first roster column every student has wins.
MOODLE_IDENTIFIERS = (("moodle_user_id", "User ID", "userid"), ("email", "Email address", "useremail"),
                      ("moodle_username", "Username", "username"), ("moodle_idnumber", "ID number", "useridnumber"))
CANVAS_IDENTIFIERS = ("canvas_id", "sis_user_id", "sis_login_id")  # gradebook_importer: ID, SIS User ID, SIS Login


def moodle_identifier(course: Course) -> tuple[str, str, str]:
    """(roster column, moodle.csv header, Moodle's "Map to" value): the first identifier every student has, else
    the first any student has (the rows without it are refused)."""
    for column, header, mapto in MOODLE_IDENTIFIERS:
        if course.students and all(s.get(column, "").strip() for s in course.students):
            return column, header, mapto
    for column, header, mapto in MOODLE_IDENTIFIERS:
        if any(s.get(column, "").strip() for s in course.students):
            return column, header, mapto
    return MOODLE_IDENTIFIERS[1]


def moodle_header(assignment: Assignment) -> str:
    """The column name of Moodle's own grade export (grade/export/txt): ``<module name>: <item name> (Real)``."""
    return assignment.moodle_column or f"Assignment: {assignment.title} (Real)"


def write_lms_exports(book: Gradebook, out: Path, course: Course) -> list[Path]:
    """canvas.csv (Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per
    graded assignment named as the Canvas gradebook names it, a Points Possible row) and moodle.csv (the
    identifier column Moodle maps, Full name, one ``Assignment: <title> (Real)`` column per graded assignment).
    A cell is empty while a judge error leaves the assignment's score unknown; only the assignments whose
    problems were all graded get a column. A student without the identifier an LMS maps gets no row there
    (an unknown row aborts Moodle's import; Canvas would ask for it): lms_exports.txt lists them and says how
    to import each file."""
    maxima = book.problem_max_scores()
    times = book.submission_times()
    notes = book.submission_notes()
    graded = dict(book.iter_roster())
    assignments = graded_assignments(course, book.problems())
    canvas, moodle = out / "canvas.csv", out / "moodle.csv"
    m_column, m_header, m_mapto = moodle_identifier(course)
    refused: list[str] = []
    for path in (canvas, moodle):
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv_writer(fh)
            if path == canvas:
                writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                                 *(a.canvas_column for a in assignments)])
                writer.writerow(["Points Possible", "", "", "", "", *(csv_number(a.points) for a in assignments)])
            else:
                writer.writerow([m_header, "Full name", *(moodle_header(a) for a in assignments)])
            for info in course.students:
                sid = info["id"]
                if path == canvas and not any(info.get(c, "").strip() for c in CANVAS_IDENTIFIERS):
                    refused.append(f"canvas.csv: {sid}: no canvas_id, sis_user_id or sis_login_id in the roster")
                    continue
                if path == moodle and not info.get(m_column, "").strip():
                    refused.append(f"moodle.csv: {sid}: no {m_column} in the roster (moodle.csv maps {m_header})")
                    continue
                cells = [assignment_score(course, sid, a, graded.get(sid, {}), maxima, times, notes)
                         for a in assignments]
                if path == canvas:
                    lead = [info.get("name", sid), info.get("canvas_id", ""), info.get("sis_user_id", ""),
                            info.get("sis_login_id", ""), info.get("section", "")]
                else:
                    lead = [info[m_column].strip(), info.get("name", sid)]
                writer.writerow([*lead, *(csv_number(c) for c in cells)])
        os.replace(tmp, path)
    guide = [f"canvas.csv: Canvas > Grades > Import; students by ID (Canvas user id), else SIS User ID, SIS Login ID; "
             f"columns: {', '.join(a.canvas_column for a in assignments) or 'none'}",
             f"moodle.csv: Moodle > Grades > Import > CSV file; Map from '{m_header}' to '{m_mapto}'; grade "
             f"columns as Moodle's export names them: {', '.join(moodle_header(a) for a in assignments) or 'none'}",
             f"not graded in this run, so left out (never 0): "
             f"{', '.join(a.title for a in course.assignments if a not in assignments) or 'none'}",
             f"rows left out ({len(refused)}):", *(f"  {r}" for r in refused)]
    _atomic_write(out / "lms_exports.txt", "\n".join(visible(line) for line in guide) + "\n")
    return [canvas, moodle]


def write_feedback_returns(book: Gradebook, out: Path) -> list[Path]:
    """Feedback the LMS takes back, from feedback/<student>.md, when judge collect saw the LMS's names:
    feedback_moodle.zip for Moodle's "Upload multiple feedback files in a zip" (mod/assign/feedback/file
    importziplib.php splits ``<name>_<participant id>_<plugin type>_<plugin>_<file>`` on ``_`` and finds the
    participant), feedback_canvas.zip for Canvas's "Upload submissions" of a download (assignment.rb
    generate_comments_from_files: ``<name>_<user id>_<attachment id>_<file>``, one comment per student, shared
    by a group). A group's submission gets one file, its first member's feedback."""
    refs: dict[str, dict[str, str]] = {}
    for (student, _), note in sorted(book.submission_notes().items()):
        ref = note.get("lms_ref") or ""
        if note.get("lms") in ("canvas", "moodle") and ref and visible(ref) == ref and "/" not in ref:
            refs.setdefault(note["lms"], {}).setdefault(note["lms_ref"], student)
    written = []
    for lms, by_ref in sorted(refs.items()):
        path = out / f"feedback_{lms}.zip"
        tmp = path.with_name(f".{path.name}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for ref, student in sorted(by_ref.items()):
                text = (out / "feedback" / f"{student}.md")
                if not text.is_file():
                    continue
                name = f"{ref}_assignsubmission_file_feedback.md" if lms == "moodle" else f"{ref}_feedback.md"
                zf.writestr(name, text.read_text(encoding="utf-8"))
        os.replace(tmp, path)
        written.append(path)
    for stale in {"canvas", "moodle"} - set(refs):
        (out / f"feedback_{stale}.zip").unlink(missing_ok=True)
    return written


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


NOT_IN_SHARD = "other_shard"  # a grades.csv cell of a shard's own output: graded by another shard, not an error


def shard_of(book: Gradebook) -> tuple[int, int] | None:
    """(K, N) when this gradebook is shard K of N (its outputs are partial), else None."""
    shard = ClassRun.load(book).shard
    return (shard.k, shard.n) if shard else None


def write_shard_notice(book: Gradebook, out: Path) -> Path | None:
    """SHARD.txt in a shard's output folder, saying what its files are; removed from a whole run's."""
    path = out / "SHARD.txt"
    shard = shard_of(book)
    if shard is None:
        path.unlink(missing_ok=True)
        return None
    k, n = shard
    _atomic_write(path, f"This folder is shard {k} of {n} of one grading run: it holds only the pairs whose hash "
                        f"falls in this share.\ngrades.csv marks the other pairs '{NOT_IN_SHARD}' (not a judge error) "
                        f"and leaves totals empty; feedback/ and report.html are partial; no canvas.csv, moodle.csv or "
                        f"feedback zip is written here.\nJoin every shard with: judge merge OUT SHARD_1 ... "
                        f"SHARD_{n}\n")
    for name in ("canvas.csv", "moodle.csv", "lms_exports.txt", "feedback_canvas.zip", "feedback_moodle.zip"):
        (out / name).unlink(missing_ok=True)
    return path


def _late_notes(course: Course | None, student: str, problems: list[str], times: dict[tuple[str, str], str | None],
                notes: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    if course is None:
        return []
    out = []
    for p in problems:
        late = late_of(course, student, p, times, notes)
        if late.days or late.note:
            out.append(f"{p}: {late.days} day(s) late, -{late.percent:g}%" + (f" ({late.note})" if late.note else ""))
    return out


def write_csv(book: Gradebook, out: Path, course: Course | None = None) -> Path:
    """grades.csv: one row per student, a column per problem (score, or judge_error), total, max, percent; a
    ``late`` column when a course makes any pair late or flags an LMS LATE mark, a ``group`` column when a
    download credited a group, an ``overrides`` column when any."""
    shard = shard_of(book)
    problems = (ClassRun.load(book).shard.problems or book.problems()) if shard else book.problems()
    maxima = book.problem_max_scores()
    with_overrides = bool(book.overrides())
    times = book.submission_times() if course is not None else {}
    notes = book.submission_notes()
    late = {s: _late_notes(course, s, problems, times, notes) for s in book.students()}
    with_late = any(late.values())
    groups: dict[str, list[str]] = {}
    for (student, _), note in notes.items():  # one pass: a class of 1,000 x 40 pairs stays linear
        if note.get("group") and note["group"] not in groups.setdefault(student, []):
            groups[student].append(note["group"])
    with_groups = any(groups.values())
    path = out / "grades.csv"
    tmp = path.with_name(".grades.csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)
        writer.writerow(["student", *problems, "total", "max_total", "percent", *(["late"] if with_late else []),
                         *(["group"] if with_groups else []), *(["overrides"] if with_overrides else [])])
        mine = book.roster_pairs() if shard else set()
        for student, rows in book.iter_roster():
            cells = []
            for p in problems:
                score = effective_score(rows.get(p))
                if shard and (student, p) not in mine:
                    cells.append(NOT_IN_SHARD)
                    continue
                cells.append(JUDGE_ERROR_CELL if score is None else csv_number(score))
            total, max_total = student_total(rows, problems, maxima)
            pct = csv_number(None if total is None or not max_total else 100.0 * total / max_total, ".2f")
            overrides = [f"{p}: {_fmt(r['override']['score'])} (was {_fmt(r['score']) or 'judge_error'}; "
                         f"{r['override']['reason']})" for p, r in sorted(rows.items()) if r.get("override")]
            writer.writerow([student, *cells, csv_number(total), csv_number(max_total), pct,
                             *(["; ".join(late.get(student, []))] if with_late else []),
                             *(["; ".join(sorted(groups.get(student, [])))] if with_groups else []),
                             *(["; ".join(overrides)] if with_overrides else [])])
    os.replace(tmp, path)
    return path


def _late_line(late: Late | None) -> str | None:
    if late is None or not (late.days or late.note):
        return None
    if late.days:
        text = f"Submitted {late.days} day(s) late: {late.percent:g}% off in the course grade."
        return text + (f" ({late.note})" if late.note else "")
    return f"Your submission is {late.note.replace('check it by hand', 'your instructor will check it')}."


def built_on_note(result: dict[str, Any], rows: dict[str, dict[str, Any]]) -> str:
    """Which of the student's own earlier files the result imported, with each one's grade when it was graded in
    this run: the later score used that code as it is (judge/engine/builds_on.py)."""
    parts = []
    for used in result["builds_on"]:
        row = rows.get(used["problem"])
        graded = (f", which scored {row['score']:g}/{row['max_score']:g} on {used['problem']}"
                  if row is not None and row["status"] not in (Verdict.JUDGE_ERROR, ResultStatus.MISSING) else "")
        parts.append(f"`{visible(used['file'])}`{graded}")
    return f"Built on your own {', '.join(parts)} (used as it is, as if pasted into this file)."


def feedback_markdown(student: str, rows: dict[str, dict[str, Any]], problems: list[str],
                      maxima: dict[str, float], late: dict[str, Any] | None = None,
                      not_graded: list[list[str]] | None = None, groups: dict[str, str] | None = None) -> str:
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
            if late and _late_line(late.get(p)):
                lines.append(f"\n{_late_line(late.get(p))}")
            continue
        if row is None or row["status"] == Verdict.JUDGE_ERROR:
            lines.append(f"## {p}: not graded (a judge error, not your fault; your instructor has been told)")
            continue
        result = row["result"]
        lines.append(f"## {p}: {row['score']:g}/{row['max_score']:g} ({row['status']})")
        if groups and groups.get(p):
            lines.append(f"\nSubmitted as a group: {groups[p]}.")
        if result.get("builds_on"):
            lines.append(f"\n{built_on_note(result, rows)}")
        if late and _late_line(late.get(p)):
            lines.append(f"\n{_late_line(late.get(p))}")
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
                same = f"; {shown.folded}" if shown.same else ""
                lines.append(f"- `{t['name']}` ({t['visibility']}, {t['status']}{same}):")
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
    notes = book.submission_notes()
    by_student: dict[str, dict[str, dict[str, Any]]] = {}
    for (student, problem), note in notes.items():
        by_student.setdefault(student, {})[problem] = note
    not_graded = ClassRun.load(book).not_graded
    for student, rows in book.iter_roster():
        late = {p: late_of(course, student, p, times, notes) for p in problems} if course else None
        groups = {p: visible(f"{n['group']} ({', '.join(n.get('group_members', []))})")
                  for p, n in by_student.get(student, {}).items() if n.get("group")}
        folder = out / "results" / student
        for p in problems:
            row = rows.get(p)
            target = folder / f"{p}.json"
            if row is not None and row["result"] is not None and row["status"] != Verdict.JUDGE_ERROR:
                _atomic_write(target, json.dumps(row["result"], indent=2, sort_keys=True) + "\n")
            elif target.exists():
                target.unlink()
        _atomic_write(out / "feedback" / f"{student}.md", feedback_markdown(student, rows, problems, maxima, late,
                                                                         not_graded.get(student), groups))
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
