"""One class, four LMS downloads built as each LMS writes them, and the same files laid out by hand with known
times: every source must give every student the grade the hand layout gives (and the numbers a TA would enter).

Formats, modelled on the systems' own code:
- Gradescope "Export Submissions": ``submission_metadata.yml`` keyed by submission folder, Ruby-symbol keys,
  ``:submitters:`` (several for a group), ``:created_at:`` of the active submission, ``:history:`` of older ones
  (the shape Psych emits; parsed the same way by e.g. the Provenance gradescope ingest tests and the SER594
  ``gradescope_preprocessor`` script, which read ``sub[':history']`` items' ``:created_at``).
- Moodle team assignment download: moodle ``mod/assign/locallib.php`` ``download_submissions``: the prefix is
  ``<group name>-<fullname>_<uniqueid>_`` (``Default group-`` outside any group), then
  ``assignsubmission_file_``; the grading worksheet is ``mod/assign/gradingtable.php`` downloaded as CSV:
  ``Identifier`` ("Participant N"), ``Full name``, identity fields, ``Group`` (team), ``Last modified
  (submission)`` as ``userdate`` (strftimedatetime "%A, %d %B %Y, %I:%M %p", the downloader's time zone).
- Canvas group assignment: canvas-lms ``lib/content_zipper.rb``: ``assignment.representatives`` (one user per
  group), ``get_filename`` = ``[sortable name downcased without non-word characters, "LATE", user id]`` joined
  by ``_``, then ``_<attachment id>_<display name>``; ``Attachment.make_unique_filename`` names the 8th re-upload
  ``<base>-<uuid><ext>``. A zip a student uploaded stays a zip in the download.
- GitHub Classroom: ``gh classroom clone student-repos`` clones ``<assignment prefix>-<user or team>``; the
  template's files sit beside the student's; commit dates are the committer's clock (``GIT_COMMITTER_DATE``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from classroom import PROBE_FLOAT, PROBE_REFERENCE, PROBE_STARTER, probe_root
from helpers import judge, write_file

pytestmark = pytest.mark.slow

WEAK = "--allow-weak-sandbox"
ROSTER = (
    "id,name,email,section,group,canvas_id,sis_user_id,github\n"
    "ada,Ada Lovelace,ada@example.org,A,,101,S101,adalove\n"
    "ben,Ben Ng,ben@example.org,A,,102,S102,bng\n"
    "yamada,山田 太郎,taro@example.jp,B,,103,S103,ytaro\n"
    "zoe,Zoë Ñúñez,zoe@example.es,B,,106,S106,zoenunez\n"
    "dee,Dee Dee,dee@example.org,B,Team Rocket,104,S104,deedee\n"
    "eve,Eve Ox,eve@example.org,B,Team Rocket,105,S105,eveox\n"
    "fay,Fay Wu,fay@example.org,B,,107,S107,faywu\n"
)
COURSE = """
name = "Round trip"
roster = "roster.csv"

[late_policy]
grace_minutes = 10
percent_per_day = 10
late_mark_days = 1

[[assignments]]
id = "masks"
title = "Masks"
canvas_column = "Masks (4242)"
points = 20
deadline = 2027-02-14T23:59:00Z
groups = true
problems = { probe = 3, probe2 = 1 }

[[assignments]]
id = "losses"
title = "Losses"
points = 10
problems = { cross_entropy = 1 }
"""
ON_TIME = datetime(2027, 2, 14, 18, 30, tzinfo=timezone.utc)
LATE = datetime(2027, 2, 15, 10, 0, tzinfo=timezone.utc)  # 1 started day late after the grace
# roster id -> (probe.py, probe2.py, submitted at); dee submits for Team Rocket, fay submits nothing
CLASS = {
    "ada": (PROBE_REFERENCE, PROBE_REFERENCE, ON_TIME),
    "ben": (PROBE_REFERENCE, PROBE_REFERENCE, LATE),
    "yamada": (PROBE_REFERENCE, PROBE_FLOAT, ON_TIME),
    "zoe": (PROBE_FLOAT, PROBE_REFERENCE, ON_TIME),
    "dee": (PROBE_REFERENCE, PROBE_REFERENCE, ON_TIME),
}
# what a TA enters: weights 3:1 of 20 points; ben 1 day late (-10%); eve shares dee's group grade; fay 0
EXPECTED = {"ada": "20", "ben": "18", "yamada": "15", "zoe": "5", "dee": "20", "eve": "20", "fay": "0"}
NAMES = {"ada": "Ada Lovelace", "ben": "Ben Ng", "yamada": "山田 太郎", "zoe": "Zoë Ñúñez", "dee": "Dee Dee",
         "eve": "Eve Ox", "fay": "Fay Wu"}


def add_probe2(root: Path) -> None:
    src, dst = root / "problems" / "probe", root / "problems" / "probe2"
    shutil.copytree(src, dst)
    toml = dst / "problem.toml"
    toml.write_text(toml.read_text().replace('id = "probe"', 'id = "probe2"').replace("order = 1", "order = 2"))



def hand_layout(folder: Path) -> Path:
    """The class as a TA lays it out: one folder per student (the group's files under each member) and the
    times known, in the manifest judge grade reads."""
    students = {}
    for sid, (probe, probe2, when) in {**CLASS, "eve": CLASS["dee"]}.items():
        write_file(folder / sid / "probe.py", probe)
        write_file(folder / sid / "probe2.py", probe2)
        students[sid] = {p: {"original": f"{p}.py", "submitted_at": when.isoformat(), "late_mark": False}
                         for p in ("probe", "probe2")}
    (folder / "fay").mkdir()
    write_file(folder / "collect.json", json.dumps({"format": "hand", "students": students}))
    return folder


def gs_time(when: datetime, zone: str = "America/New_York") -> str:
    local = when.astimezone(ZoneInfo(zone))
    return local.strftime("%Y-%m-%d %H:%M:%S.123456000 %z")


def gradescope_export(folder: Path) -> Path:
    """assignment_<id>_export/: ben resubmitted late (an on-time attempt is in :history:, after :created_at:),
    dee and eve submitted together, yamada's SID is unknown to Gradescope (matched by his CJK name)."""
    root = folder / "assignment_777_export"
    meta = []
    for n, sid in enumerate(CLASS, start=1):
        probe, probe2, when = CLASS[sid]
        write_file(root / f"submission_{9000 + n}" / "probe.py", probe)
        write_file(root / f"submission_{9000 + n}" / "Probe2.py", probe2)
        people = [sid, "eve"] if sid == "dee" else [sid]
        lines = [f"submission_{9000 + n}:", "  :submitters:"]
        for person in people:
            lines.append(f"  - :name: {NAMES[person]}")
            if person != "yamada":
                lines.append(f"    :sid: '{person}'")
                lines.append(f"    :email: {person}@example.org")
        lines.append(f"  :created_at: {gs_time(when)}")
        lines.append("  :score: 0.0")
        if sid == "ben":
            lines += ["  :history:", f"  - :created_at: {gs_time(ON_TIME)}", "    :score: 10.0",
                      "    :autograder_results:", "      :score: 10.0"]
        lines += ["  :results:", "    score: 0.0", "    output: |-", "      :created_at: 2030-01-01 00:00:00 Z",
                  "      not a key, a line of output"]
        meta.append("\n".join(lines))
    write_file(root / "submission_metadata.yml", "\n".join(meta) + "\n")
    return root


def moodle_team_download(folder: Path) -> tuple[Path, Path]:
    """A team assignment: students outside a group under ``Default group-``, Team Rocket once (dee's folder; eve
    is only in the worksheet), and the grading worksheet in Europe/Berlin."""
    dl = folder / "moodle"
    rows = [["Identifier", "Full name", "Email address", "Status", "Group", "Grade", "Maximum Grade",
             "Grade can be changed", "Last modified (submission)", "Online text", "Last modified (grade)",
             "Feedback comments"]]
    berlin = ZoneInfo("Europe/Berlin")
    emails = {line.split(",")[0]: line.split(",")[2] for line in ROSTER.splitlines()[1:]}
    for n, sid in enumerate([*CLASS, "eve", "fay"], start=1):
        participant = str(7340 + n)
        group = "Team Rocket" if sid in ("dee", "eve") else ""
        if sid in CLASS:
            probe, probe2, when = CLASS[sid]
            prefix = f"{group or 'Default group'}-{NAMES[sid]}_{participant}_assignsubmission_file_"
            write_file(dl / prefix / "probe.py", probe)
            write_file(dl / prefix / "probe2.py", probe2)
        when_text = "-" if sid == "fay" else CLASS["dee" if sid == "eve" else sid][2].astimezone(berlin).strftime(
            "%A, %d %B %Y, %I:%M %p")
        rows.append([f"Participant {participant}", NAMES[sid], emails[sid], "Submitted for grading", group, "",
                     "100,00", "Yes", when_text, "", "-", ""])
    sheet = folder / "Grades-Masks-1234.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return dl, sheet


def canvas_download(folder: Path) -> Path:
    """submissions.zip of a group assignment: dee represents Team Rocket; ben is LATE (no time); ada uploaded
    one zip; zoe's probe.py is her 8th upload of that name (a uuid name); yamada's sortable name is CJK."""
    zpath = folder / "course-masks submissions.zip"
    sortable = {"ada": "lovelaceada", "ben": "ngben", "yamada": "山田太郎", "zoe": "ñúñezzoë", "dee": "deedee"}
    uid = {"ada": 101, "ben": 102, "yamada": 103, "zoe": 106, "dee": 104}
    with zipfile.ZipFile(zpath, "w") as zf:
        for n, sid in enumerate(CLASS, start=1):
            probe, probe2, _ = CLASS[sid]
            stem = f"{sortable[sid]}_{'LATE_' if sid == 'ben' else ''}{uid[sid]}"
            if sid == "ada":
                inner = folder / "ada.zip"
                with zipfile.ZipFile(inner, "w") as iz:
                    iz.writestr("masks/probe.py", probe)
                    iz.writestr("masks/probe2.py", probe2)
                    iz.writestr("__MACOSX/masks/._probe.py", "junk")
                zf.write(inner, f"{stem}_{5000 + n}_masks.zip")
                continue
            name = "probe-1b4e28ba-2fa1-41d2-883f-0016d3cca427.py" if sid == "zoe" else "probe.py"
            zf.writestr(f"{stem}_{5000 + n}_{name}", probe)
            zf.writestr(f"{stem}_{5100 + n}_probe2.py", probe2)
    return zpath


def git(repo: Path, *args: str, when: datetime) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@x", GIT_COMMITTER_NAME="s",
               GIT_COMMITTER_EMAIL="s@x", GIT_AUTHOR_DATE=when.isoformat(), GIT_COMMITTER_DATE=when.isoformat())
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def github_clones(folder: Path) -> Path:
    """gh classroom clone student-repos: masks-<user>, masks-team-rocket for the team. Every repository keeps
    the template's untouched probe.py at the top; students write theirs under src/. ada edits README.md two
    days after the deadline (no graded file changes)."""
    base = folder / "masks-submissions"
    user = {"ada": "adalove", "ben": "bng", "yamada": "ytaro", "zoe": "zoenunez", "dee": "team-rocket"}
    for sid, (probe, probe2, when) in CLASS.items():
        repo = base / f"masks-{user[sid]}"
        write_file(repo / "probe.py", PROBE_STARTER)
        write_file(repo / "README.md", "# Masks\n")
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        git(repo, "add", ".", when=datetime(2027, 2, 1, tzinfo=timezone.utc))
        git(repo, "commit", "-qm", "Initial commit", when=datetime(2027, 2, 1, tzinfo=timezone.utc))
        write_file(repo / "src" / "probe.py", probe)
        write_file(repo / "probe2.py", probe2)
        git(repo, "add", ".", when=when)
        git(repo, "commit", "-qm", "solution", when=when)
        if sid == "ada":
            write_file(repo / "README.md", "# Masks\n\ntypo fixed\n")
            git(repo, "commit", "-qam", "readme", when=datetime(2027, 2, 16, 12, tzinfo=timezone.utc))
    return base


def grade_cells(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {r[0]: r[-1] for r in rows[2:]}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roundtrip")
    root = probe_root(tmp)
    add_probe2(root)
    write_file(tmp / "roster.csv", ROSTER)
    write_file(tmp / "course.toml", COURSE)
    subs, out = hand_layout(tmp / "hand"), tmp / "out-hand"
    proc = judge("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"), "-q", WEAK,
                 "--jobs", "2", "--problems", "probe,probe2", root=root)
    assert proc.returncode == 0, proc.stderr
    return tmp, root, out


def test_hand_layout_gives_what_a_ta_enters(course_dir):
    """Only the graded assignment goes out: Losses (not graded in this run) has no column of zeros that an
    import would write over the grades entered for it."""
    _, _, out = course_dir
    by_name = grade_cells(out / "canvas.csv")
    assert by_name == {NAMES[s]: g for s, g in EXPECTED.items()}
    with (out / "canvas.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[-1] == "Masks (4242)" and not any("Losses" in h for h in header)
    with (out / "moodle.csv").open(encoding="utf-8") as fh:
        assert not any("Losses" in h for h in next(csv.reader(fh)))


SOURCES = {
    "gradescope": lambda tmp: (gradescope_export(tmp), []),
    "moodle": lambda tmp: (lambda dl, sheet: (dl, ["--worksheet", str(sheet), "--timezone", "Europe/Berlin"]))(
        *moodle_team_download(tmp)),
    "canvas": lambda tmp: (canvas_download(tmp), []),  # course.toml: groups = true
    "github": lambda tmp: (github_clones(tmp), ["--trust-commit-dates"]),
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_each_lms_gives_the_hand_layout_grades(course_dir, tmp_path, source):
    if source == "github" and shutil.which("git") is None:
        pytest.skip("git is not installed")
    tmp, root, hand_out = course_dir
    download, extra = SOURCES[source](tmp_path)
    subs, out = tmp_path / "subs", tmp_path / "out"
    proc = judge("collect", str(download), str(subs), "--course", str(tmp / "course.toml"), "--problems",
                 "probe,probe2", *extra, root=root)
    assert proc.returncode == 0, proc.stderr
    assert f"from a {source} download" in proc.stdout
    doc = json.loads((subs / "collect.json").read_text(encoding="utf-8"))
    assert doc["unmatched_students"] == [] and doc["without_submission"] == ["fay"], doc
    for sid in EXPECTED:
        for p in ("probe", "probe2"):
            hand = tmp / "hand" / sid / f"{p}.py"
            got = subs / sid / f"{p}.py"
            assert (got.read_bytes() if got.exists() else None) == (hand.read_bytes() if hand.exists() else None), \
                (source, sid, p)
    assert doc["students"]["eve"]["probe"]["group"] and "dee" in doc["students"]["eve"]["probe"]["group_members"]
    shutil.copytree(hand_out, out)  # the same files: every pair is already graded, only the times differ
    proc = judge("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"), "-q", WEAK,
                 "--problems", "probe,probe2", root=root)
    assert proc.returncode == 0, proc.stderr
    assert grade_cells(out / "canvas.csv") == grade_cells(hand_out / "canvas.csv")
    assert grade_cells(out / "moodle.csv") == grade_cells(hand_out / "moodle.csv")
    feedback = (out / "feedback" / "eve.md").read_text(encoding="utf-8")
    assert "Submitted as a group" in feedback and "dee" in feedback
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<tr data-student="eve"' in html and 'data-group="' in html.split('<tr data-student="eve"')[1][:400]
    ben = (out / "feedback" / "ben.md").read_text(encoding="utf-8")
    assert "1 day(s) late: 10% off" in ben
    if source == "canvas":  # the time is unknown: the LATE mark and the policy applied are said, never dropped
        assert "marked LATE by the LMS without a time: counted as 1 day(s)" in ben
        late = {r["student"]: r["late"] for r in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
        assert "marked LATE" in late["ben"] and late["ada"] == ""
        assert "marked LATE by the LMS without a time" in html.split('<tr data-student="ben"')[1].split("</tr>")[0]
    if source == "github":
        assert "student's clock" in ben


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_exports_identify_students_as_each_lms_maps(course_dir, tmp_path):
    """Moodle's import (grade/import/csv) aborts on a row whose identifier names no user and maps one column
    ("Map to" userid, username, useridnumber, useremail); Canvas's gradebook importer finds students by ID, SIS
    User ID or SIS Login ID and matches an assignment by the id in ``Title (id)`` (a Canvas gradebook export's
    header), creating a new assignment for a header it does not know. So: the identifier column is one every
    row has, a row without it is left out and listed (never shifted onto another student), and the Canvas
    column names come from the instructor's gradebook export."""
    from judge.grading.course import load_course
    from judge.grading.gradebook import Gradebook
    from judge.grading.outputs import write_lms_exports

    tmp, _, hand_out = course_dir
    roster = ROSTER.replace("ben,Ben Ng,ben@example.org,A,,102,S102,bng", "ben,Ben Ng,,A,,,,bng")
    write_file(tmp_path / "roster.csv", roster)
    write_file(tmp_path / "canvas-export.csv",
               "Student,ID,SIS User ID,SIS Login ID,Section,Masks (4242),Losses (4243)\n"
               "    Points Possible,,,,,20.00,10.00\n")
    write_file(tmp_path / "course.toml", COURSE.replace('canvas_column = "Masks (4242)"\n', "")
          .replace('roster = "roster.csv"', 'roster = "roster.csv"\ncanvas_gradebook = "canvas-export.csv"'))
    course = load_course(tmp_path / "course.toml")
    assert [a.canvas_column for a in course.assignments] == ["Masks (4242)", "Losses (4243)"]
    out = tmp_path / "out"
    out.mkdir()
    with Gradebook(hand_out / "gradebook.db") as book:
        write_lms_exports(book, out, course)
    moodle = rows_of(out / "moodle.csv")
    assert moodle[0] == ["Email address", "Full name", "Assignment: Masks (Real)"]
    assert {r[0]: r[-1] for r in moodle[1:]} == {
        "ada@example.org": "20", "taro@example.jp": "15", "zoe@example.es": "5", "dee@example.org": "20",
        "eve@example.org": "20", "fay@example.org": "0"}  # ben has no email: no row, nobody gets his 18
    canvas = rows_of(out / "canvas.csv")
    assert canvas[0][-1] == "Masks (4242)" and "102" not in [r[1] for r in canvas]
    guide = (out / "lms_exports.txt").read_text(encoding="utf-8")
    assert "Map from 'Email address' to 'useremail'" in guide
    assert "moodle.csv: ben: no email" in guide and "canvas.csv: ben: no canvas_id" in guide
    assert "left out (never 0): Losses" in guide
    with_ids = ROSTER.replace("id,name,email", "moodle_user_id,id,name,email")
    with_ids = "\n".join([with_ids.splitlines()[0]] + [f"{n + 2},{line}" for n, line in
                                                        enumerate(with_ids.splitlines()[1:])]) + "\n"
    write_file(tmp_path / "roster.csv", with_ids)
    with Gradebook(hand_out / "gradebook.db") as book:
        write_lms_exports(book, out, load_course(tmp_path / "course.toml"))
    assert rows_of(out / "moodle.csv")[0][0] == "User ID" and rows_of(out / "moodle.csv")[1][0] == "2"
    write_file(tmp_path / "canvas-export.csv", "Student,ID,Masks (4242),Masks (4250)\n")
    with pytest.raises(Exception, match="2 Canvas assignments are titled 'Masks'"):
        load_course(tmp_path / "course.toml")


@pytest.mark.parametrize("source", ["moodle", "canvas"])
def test_feedback_goes_back_in_the_lms_upload_format(course_dir, tmp_path, source):
    """Moodle: feedback/file importziplib.php is_valid_filename_for_import explodes the name on '_' into
    <name>, <participant id>, <plugin type>, <plugin>, <file>; Canvas: Assignment#generate_comments_from_files
    takes <name>_<user id>_<attachment id>_<file> (the download's own prefix) and comments for the group."""
    tmp, root, hand_out = course_dir
    download, extra = SOURCES[source](tmp_path)
    subs, out = tmp_path / "subs", tmp_path / "out"
    assert judge("collect", str(download), str(subs), "--course", str(tmp / "course.toml"), "--problems",
                 "probe,probe2", *extra, root=root).returncode == 0
    shutil.copytree(hand_out, out)
    assert judge("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"), "-q", WEAK,
                 "--problems", "probe,probe2", root=root).returncode == 0
    with zipfile.ZipFile(out / f"feedback_{source}.zip") as zf:
        names = sorted(zf.namelist())
        ben = next(n for n in names if "Ben" in n or "ngben" in n)
        assert zf.read(ben).decode() == (out / "feedback" / "ben.md").read_text(encoding="utf-8")
    if source == "moodle":
        parts = ben.split("_", 4)
        assert parts[0] == "Default group-Ben Ng" and parts[1].isdigit() and parts[2:4] == ["assignsubmission",
                                                                                            "file"]
        assert len([n for n in names if "Team Rocket" in n]) == 1  # the group's one submission
    else:
        numbers = [p for p in ben.split("_") if p.isdigit()]
        assert numbers == ["102", "5002"]  # user id, then the attachment id of the download
    assert not (out / f"feedback_{'canvas' if source == 'moodle' else 'moodle'}.zip").exists()
