"""``course.toml``: the roster, the assignments (problems with weights, deadlines), the late policy, extensions.

Schema-checked against ``judge/schemas/course.schema.json``; ``examples/course.toml`` documents every field.
Deadlines are TOML datetimes with a UTC offset. The roster is a CSV with an ``id`` column (the student's folder
name under SUBMISSIONS) and optional ``name``, ``email``, ``section``, ``group`` and LMS ids (``canvas_id``,
``sis_user_id``, ``sis_login_id``, ``moodle_user_id``, ``moodle_idnumber``, ``moodle_username``, ``github``).
A course is stored in the gradebook as JSON (:meth:`Course.to_json`) so overrides and merges re-render the exports
without the file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema

from judge.engine.problems import ProblemError, load_schema

from .bounded import CONFIG_LIMIT, parse_guard, read_text_bounded
from .roster import bad_student_id

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROSTER_COLUMNS = ("id", "name", "email", "section", "group", "canvas_id", "sis_user_id", "sis_login_id",
                  "moodle_user_id", "moodle_idnumber", "moodle_username", "github")


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    problems: dict[str, float]  # problem id -> weight
    points: float
    deadline: datetime | None
    canvas_column: str
    moodle_column: str = ""  # "" means Moodle's own export header, "Assignment: <title> (Real)"
    groups: bool = False  # a group assignment: judge collect credits every member of the submitter's group


@dataclass(frozen=True)
class Late:
    """How late a submission is and what it costs: the score is multiplied by ``factor``; ``note`` says what a
    person should know (a LATE mark without a time, a time the student could set)."""

    days: int
    factor: float
    note: str = ""

    @property
    def percent(self) -> float:
        return round(100.0 * (1.0 - self.factor), 6)


ON_TIME = Late(0, 1.0)


@dataclass
class Course:
    name: str
    students: list[dict[str, str]]
    assignments: list[Assignment]
    grace_minutes: float = 0.0
    percent_per_day: float = 0.0
    max_days: int | None = None
    extensions: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    late_mark_days: int | None = None  # what an LMS's LATE mark without a time costs; None: flagged, no penalty
    overrides_file: str | None = None  # absolute path of the course's overrides CSV (judge.grading.overrides)

    @property
    def student_ids(self) -> list[str]:
        return [s["id"] for s in self.students]

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(p for a in self.assignments for p in a.problems))

    def student(self, sid: str) -> dict[str, str]:
        return next((s for s in self.students if s["id"] == sid), {"id": sid})

    def assignment_of(self, problem: str) -> Assignment | None:
        return next((a for a in self.assignments if problem in a.problems), None)

    def deadline_for(self, student: str, assignment: Assignment) -> datetime | None:
        """The assignment's deadline moved by the student's extension (the latest one that applies)."""
        if assignment.deadline is None:
            return None
        best = assignment.deadline
        for ext in self.extensions:
            if ext["student"] != student or ext.get("assignment", assignment.id) != assignment.id:
                continue
            moved = _parse_time(ext["until"], "extensions.until") if "until" in ext else \
                assignment.deadline + timedelta(days=ext["days"])
            best = max(best, moved)
        return best

    def _factor(self, days: int) -> float:
        if self.max_days is not None and days > self.max_days:
            return 0.0
        return max(0.0, 1.0 - self.percent_per_day * days / 100.0)

    def late(self, student: str, problem: str, submitted_at: str | None, late_mark: bool = False) -> Late:
        """The late penalty of a submission of ``problem`` at ``submitted_at`` (ISO 8601). Without a time: on
        time, unless the LMS marked it LATE (Canvas): then ``late_mark_days`` says what it costs, and without
        it the mark is flagged for a person at no cost. A flag is never dropped."""
        assignment = self.assignment_of(problem)
        if assignment is None:
            return ON_TIME
        deadline = self.deadline_for(student, assignment)
        if submitted_at is None:
            if not late_mark:
                return ON_TIME
            if deadline is not None and assignment.deadline is not None and deadline > assignment.deadline:
                return Late(0, 1.0, "marked LATE by the LMS without a time, but has an extension in course.toml: "
                                    "not penalised; check it by hand")
            if self.late_mark_days is None:
                return Late(0, 1.0, "marked LATE by the LMS without a time: not penalised (course.toml sets no "
                                    "late_policy.late_mark_days); check it by hand")
            days = self.late_mark_days
            return Late(days, self._factor(days), f"marked LATE by the LMS without a time: counted as {days} "
                                                  f"day(s) late (late_policy.late_mark_days)")
        if deadline is None:
            return ON_TIME
        over = _parse_time(submitted_at, "submission time") - deadline - timedelta(minutes=self.grace_minutes)
        if over <= timedelta(0):
            return ON_TIME
        days = math.ceil(over / timedelta(days=1))
        return Late(days, self._factor(days))

    def to_json(self) -> str:
        return json.dumps({"document": self.document, "students": self.students,
                           "overrides_file": self.overrides_file}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Course:
        data = json.loads(text)
        course = _build(data["document"], data["students"], "gradebook.db")
        course.overrides_file = data.get("overrides_file")
        return course


def _parse_time(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ProblemError(f"{what} {text!r}: not an ISO 8601 date-time; write e.g. 2027-02-14T23:59:00+01:00") \
            from None
    if value.tzinfo is None:
        raise ProblemError(f"{what} {text!r}: no UTC offset; write e.g. 2027-02-14T23:59:00+01:00 or ...Z")
    return value


def _plain(value: Any) -> Any:
    """TOML datetimes as ISO strings, so the document is JSON (and the schema can check it)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def read_roster_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a roster CSV (``id`` required, unique); unknown columns are kept for the exports."""
    fix = "pass the roster CSV (id, name, email, ...) itself"
    try:
        with io.StringIO(read_text_bounded(path, CONFIG_LIMIT, fix, encoding="utf-8-sig"), newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "id" not in header:
                raise ProblemError(f"{path}: no 'id' column; the roster needs id (the student's folder name) and "
                                   f"may have {', '.join(ROSTER_COLUMNS[1:])}")
            rows = [{h.strip().lower(): (v if isinstance(v, str) else "").strip() for h, v in row.items() if h}
                    for row in reader]
    except FileNotFoundError:
        raise ProblemError(f"{path}: roster file not found; fix 'roster' in course.toml") from None
    except csv.Error as exc:
        raise ProblemError(f"{path}: not a readable CSV ({exc}); {fix}") from None
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        sid = row.get("id", "")
        if not sid or bad_student_id(sid):
            raise ProblemError(f"{path}:{n}: {bad_student_id(sid) or 'empty student id'}; give each student a "
                               f"folder name")
        if sid in seen:
            raise ProblemError(f"{path}:{n}: student id {sid!r} appears twice; ids must be unique")
        seen.add(sid)
    return rows


def _build(doc: dict[str, Any], students: list[dict[str, str]], where: str) -> Course:
    assignments = []
    for a in doc["assignments"]:
        deadline = _parse_time(a["deadline"], f"{where}: assignment {a['id']} deadline") if "deadline" in a else None
        title = a.get("title", a["id"])
        assignments.append(Assignment(a["id"], title, dict(a["problems"]), float(a.get("points", 100.0)),
                                      deadline, a.get("canvas_column", title), a.get("moodle_column", ""),
                                      bool(a.get("groups", False))))
    ids = [a.id for a in assignments]
    if len(set(ids)) != len(ids):
        raise ProblemError(f"{where}: two assignments share an id; give each a distinct id")
    owner: dict[str, str] = {}
    for a in assignments:
        for p in a.problems:
            if p in owner:
                raise ProblemError(f"{where}: problem {p} is in assignments {owner[p]} and {a.id}; list it once")
            owner[p] = a.id
    known = {s["id"] for s in students}
    for ext in doc.get("extensions", []):
        if ext["student"] not in known:
            raise ProblemError(f"{where}: extension for {ext['student']!r}, who is not in the roster; fix the id")
        if "assignment" in ext and ext["assignment"] not in ids:
            raise ProblemError(f"{where}: extension names assignment {ext['assignment']!r}; known: {', '.join(ids)}")
        if "until" in ext:
            _parse_time(ext["until"], f"{where}: extension until")
    late = doc.get("late_policy", {})
    return Course(doc.get("name", ""), students, assignments, float(late.get("grace_minutes", 0.0)),
                  float(late.get("percent_per_day", 0.0)), late.get("max_days"), list(doc.get("extensions", [])),
                  doc, late.get("late_mark_days"))


def load_course(path: str | Path) -> Course:
    """Read, schema-check and resolve ``course.toml`` and its roster CSV; ProblemError names the fix."""
    path = Path(path)
    fix = "pass the path of course.toml (see examples/course.toml)"
    try:
        with parse_guard(path, fix):
            raw = tomllib.loads(read_text_bounded(path, CONFIG_LIMIT, fix))
    except FileNotFoundError:
        raise ProblemError(f"{path}: course file not found; pass the path of course.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProblemError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    doc = _plain(raw)
    try:
        jsonschema.validate(doc, load_schema("course.schema.json"))
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise ProblemError(f"{path}: {where}: {exc.message}; see examples/course.toml") from None
    students = read_roster_csv(path.parent / doc["roster"])
    if "canvas_gradebook" in doc:
        _canvas_columns(doc, path.parent / doc["canvas_gradebook"])
    course = _build(doc, students, str(path))
    if "overrides" in doc:
        course.overrides_file = str((path.parent / doc["overrides"]).resolve())
    return course


def _canvas_columns(doc: dict[str, Any], export: Path) -> None:
    """Name each assignment's canvas.csv column as a Canvas gradebook export does, ``<Title> (<id>)``, so the
    import updates that assignment (canvas-lms gradebook_importer matches the id in parentheses; a header it
    does not know becomes a new assignment). An explicit ``canvas_column`` wins."""
    if not export.exists():
        raise ProblemError(f"{export}: Canvas gradebook export not found; fix 'canvas_gradebook' in course.toml")
    try:
        text = read_text_bounded(export, CONFIG_LIMIT, "pass Canvas's gradebook export CSV", encoding="utf-8-sig")
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise ProblemError(f"{export}: not a Canvas gradebook export CSV ({exc})") from None
    columns: dict[str, list[str]] = {}
    for h in header:
        m = re.match(r"^(?P<title>.*\S)\s+\((?P<id>\d+)\)$", h.strip())
        if m:
            columns.setdefault(m["title"], []).append(h.strip())
    for a in doc["assignments"]:
        title = a.get("title", a["id"])
        if "canvas_column" in a:
            continue
        found = columns.get(title, [])
        if len(found) > 1:
            raise ProblemError(f"{export}: {len(found)} Canvas assignments are titled {title!r} "
                               f"({', '.join(found)}); set canvas_column for assignment {a['id']}")
        if not found:
            raise ProblemError(f"{export}: no column '{title} (<id>)' for assignment {a['id']}; set its title or "
                               f"canvas_column to the Canvas assignment's")
        a["canvas_column"] = found[0]
