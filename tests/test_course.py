"""A course file: weights, a deadline, a late penalty and an extension, from a Gradescope download to the Canvas
CSV, checked cell by cell; a manual override survives --regrade."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from classroom import PROBE_FLOAT, PROBE_REFERENCE, probe_root
from helpers import judge

from judge.engine.problems import ProblemError
from judge.grading.course import load_course

pytestmark = pytest.mark.slow

WEAK = "--allow-weak-sandbox"
ROSTER = (
    "id,name,email,section,canvas_id,sis_user_id,sis_login_id\n"
    "ada,Ada Lovelace,ada@example.org,A,101,S101,ada.l\n"
    "ben,Ben Ng,ben@example.org,A,102,S102,ben.n\n"
    "cy,Cy Young,cy@example.org,B,103,S103,cy.y\n"
    "dee,Dee Dee,dee@example.org,B,104,S104,dee.d\n"
    "eve,Eve Ox,eve@example.org,B,105,S105,eve.o\n"
)
COURSE = """
name = "Test course"
roster = "roster.csv"

[late_policy]
grace_minutes = 10
percent_per_day = 10
max_days = 3

[[assignments]]
id = "masks"
title = "Masks"
canvas_column = "Masks (4242)"
points = 20
deadline = 2027-02-14T23:59:00Z
problems = { probe = 3, probe2 = 1 }

[[extensions]]
student = "ben"
assignment = "masks"
days = 2
reason = "illness"
"""
# student -> (submission time, {problem: source})
DOWNLOAD = {
    "ada": ("2027-02-14 23:00:00.000000000 +0000", {"probe.py": PROBE_REFERENCE, "Probe2.py": PROBE_REFERENCE}),
    "ben": ("2027-02-15 20:00:00.000000000 -0500", {"probe.py": PROBE_REFERENCE, "probe2.py": PROBE_FLOAT}),
    "cy": ("2027-02-16 00:05:00.000000000 +0000", {"probe.py": PROBE_REFERENCE, "probe2.py": PROBE_REFERENCE}),
    "dee": ("2027-02-19 12:00:00.000000000 +0000", {"probe.py": PROBE_REFERENCE}),
}


def add_probe2(root: Path) -> None:
    src, dst = root / "problems" / "probe", root / "problems" / "probe2"
    shutil.copytree(src, dst)
    toml = dst / "problem.toml"
    toml.write_text(toml.read_text().replace('id = "probe"', 'id = "probe2"').replace("order = 1", "order = 2"))


def gradescope_download(folder: Path) -> Path:
    meta = []
    for n, (student, (when, files)) in enumerate(DOWNLOAD.items(), start=1):
        sub = folder / f"submission_{n}"
        sub.mkdir(parents=True)
        for name, text in files.items():
            (sub / name).write_text(text)
        meta.append(f"submission_{n}:\n  :submitters:\n  - :name: Someone {n}\n    :sid: {student}\n"
                    f"    :email: {student}@example.org\n  :created_at: {when}\n  :score: \n")
    (folder / "submission_metadata.yml").write_text("".join(meta))
    return folder


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def course_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("course")
    root = probe_root(tmp)
    add_probe2(root)
    (tmp / "roster.csv").write_text(ROSTER)
    (tmp / "course.toml").write_text(COURSE)
    dl = gradescope_download(tmp / "gs")
    subs, out = tmp / "subs", tmp / "out"
    proc = judge("collect", str(dl), str(subs), "--course", str(tmp / "course.toml"), root=root)
    assert proc.returncode == 0, proc.stderr
    proc = judge("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"), "-q", WEAK,
                 "--jobs", "2", "--format", "gradescope", root=root)
    assert proc.returncode == 0, proc.stderr
    return tmp, root, subs, out


def test_canvas_csv_cell_by_cell(course_run):
    """Weights 3:1 over 20 points; ben's extension cancels his lateness; cy is 1 day late after the grace
    (-10%); dee is past max_days (0); eve submitted nothing (0)."""
    _, _, subs, out = course_run
    assert json.loads((subs / "collect.json").read_text())["students"]["ada"]["probe2"]["original"] == "Probe2.py"
    rows = read_csv(out / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Masks (4242)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "20"]
    assert rows[2:] == [
        ["Ada Lovelace", "101", "S101", "ada.l", "A", "20"],
        ["Ben Ng", "102", "S102", "ben.n", "A", "15"],     # probe2 is the float mutant: 0 of weight 1
        ["Cy Young", "103", "S103", "cy.y", "B", "18"],    # 00:05 two days on, 23 h 56 min past deadline + grace: -10%
        ["Dee Dee", "104", "S104", "dee.d", "B", "0"],     # 5 started days late > max_days 3; probe2 missing
        ["Eve Ox", "105", "S105", "eve.o", "B", "0"],
    ]
    moodle = read_csv(out / "moodle.csv")
    assert moodle[0] == ["Email address", "Full name", "Assignment: Masks (Real)"] and moodle[3][-1] == "18"
    plain = {r[0]: r for r in read_csv(out / "grades.csv")[1:]}
    assert plain["cy"][1:3] == ["3", "3"] and plain["dee"][1:3] == ["3", "0"]  # grades.csv stays raw points
    assert "1 day(s) late: 10% off" in (out / "feedback" / "cy.md").read_text()
    html = (out / "report.html").read_text()
    assert '<td class="late">probe: 1 d, -10%; probe2: 1 d, -10%</td>' in html
    assert '<td class="late">probe: 5 d, -100%</td>' in html


def test_override_survives_regrade(course_run):
    tmp, root, subs, out = course_run
    proc = judge("override", "ben", "probe2", "3", "--reason", "regrade request: dtype wording unclear",
                 "--out", str(out), root=root)
    assert proc.returncode == 0, proc.stderr
    for _ in range(2):
        assert read_csv(out / "canvas.csv")[3][-1] == "20"
        plain = {r[0]: r for r in read_csv(out / "grades.csv")}
        assert plain["student"][-1] == "overrides"
        assert plain["ben"][2] == "3" and "was 0; regrade request" in plain["ben"][-1]
        assert "set by your instructor: regrade request" in (out / "feedback" / "ben.md").read_text()
        html = (out / "report.html").read_text()
        assert 'class="num override" data-problem="probe2" data-score="3"' in html
        gs = json.loads((out / "results" / "ben" / "results.json").read_text())
        assert gs["score"] == 6 and "probe2: set to 3 by your instructor (regrade request" in gs["output"]
        proc = judge("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"), "-q", WEAK,
                     "--regrade", "--format", "gradescope", root=root)
        assert proc.returncode == 0, proc.stderr
    db = sqlite3.connect(out / "gradebook.db")
    assert db.execute("SELECT score, set_by != '' FROM overrides").fetchall() == [(3.0, 1)]
    assert db.execute("SELECT times_graded, score FROM grades WHERE student='ben' AND problem='probe2'"
                      ).fetchone() == (3, 0.0)
    bad = judge("override", "ben", "probe2", "9", "--reason", "x", "--out", str(out), root=root)
    assert bad.returncode == 2 and "between 0 and" in bad.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("points = 20", "points = -1"), "assignments/0/points"),
    (lambda t: t.replace('student = "ben"', 'student = "nobody"'), "not in the roster"),
    (lambda t: t.replace("deadline = 2027-02-14T23:59:00Z", "deadline = 2027-02-14T23:59:00"), "UTC offset"),
    (lambda t: t + "\nsurprise = 1\n", "Additional properties"),
])
def test_bad_course_file_is_one_line(tmp_path, edit, message):
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "course.toml").write_text(edit(COURSE))
    with pytest.raises(ProblemError, match=message):
        load_course(tmp_path / "course.toml")


def test_example_course_file_loads():
    from helpers import REPO

    course = load_course(REPO / "examples" / "course.toml")
    assert course.assignments and course.students


def test_a_late_mark_without_a_time_is_never_dropped(tmp_path):
    """Canvas marks a file LATE and gives no time (content_zipper.rb get_filename). Without late_mark_days the
    mark costs nothing and is flagged for a person; with it, it counts as that many days; an extension in
    course.toml (which Canvas may not know) turns it into a flag again."""
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "course.toml").write_text(COURSE)
    course = load_course(tmp_path / "course.toml")
    flagged = course.late("ada", "probe", None, late_mark=True)
    assert (flagged.days, flagged.factor) == (0, 1.0) and "check it by hand" in flagged.note
    assert course.late("ada", "probe", None).note == ""
    (tmp_path / "course.toml").write_text(COURSE.replace("max_days = 3", "max_days = 3\nlate_mark_days = 2"))
    course = load_course(tmp_path / "course.toml")
    counted = course.late("ada", "probe", None, late_mark=True)
    assert (counted.days, counted.factor) == (2, 0.8) and "counted as 2 day(s)" in counted.note
    extended = course.late("ben", "probe", None, late_mark=True)
    assert extended.factor == 1.0 and "extension" in extended.note
    assert course.late("ada", "probe", "2027-02-15T01:00:00+00:00", late_mark=True).days == 1  # a time wins
