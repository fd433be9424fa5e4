"""`judge grade`: a class folder graded into a resumable gradebook, with every output, never a silent 0."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from classroom import (
    LOOP_AT_CALL,
    PROBE_CLASS,
    PROBE_FLOAT,
    PROBE_REFERENCE,
    add_broken_problem,
    make_class,
    probe_root,
)
from helpers import REPO, judge

from judge.engine.problems import load_schema
from judge.engine.results import validate_result

WEAK = "--allow-weak-sandbox"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_grade_writes_every_output(tmp_path):
    """grades.csv, results/<student>/<problem>.json (schema-valid), feedback that keeps hidden inputs hidden,
    report.html, Gradescope results.json; missing files score 0 with status missing; odd files are ignored."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", PROBE_CLASS)
    (subs / "ada" / "notes.txt").write_text("not a submission")
    (subs / "ada" / "other_problem.py").write_text("x = 1")
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--jobs", "2", "--format", "gradescope", WEAK, root=root)
    assert proc.returncode == 0, proc.stderr
    assert "graded 8 of 8 pairs" in proc.stdout
    assert "notes.txt" in proc.stdout and "other_problem.py" in proc.stdout
    rows = {r["student"]: r for r in read_csv(out / "grades.csv")}
    assert set(rows) == set(PROBE_CLASS)
    assert list(read_csv(out / "grades.csv")[0]) == ["student", "probe", "total", "max_total", "percent"]
    assert rows["ada"]["probe"] == "3" and rows["ada"]["percent"] == "100.00"
    assert rows["ben"]["probe"] == "0" and rows["cy"]["probe"] == "0" and rows["dee"]["total"] == "0"
    for student in PROBE_CLASS:
        result = json.loads((out / "results" / student / "probe.json").read_text())
        validate_result(result)
        assert result["max_score"] == 3
        gs = json.loads((out / "results" / student / "results.json").read_text())
        jsonschema.validate(gs, load_schema("gradescope_results.schema.json"))
        assert gs["score"] == result["score"]
        assert {t["visibility"] for t in gs["tests"]} == {"visible", "hidden"}
    statuses = {s: json.loads((out / "results" / s / "probe.json").read_text())["status"] for s in PROBE_CLASS}
    assert statuses["dee"] == "missing" and statuses["eve"] == "error" and statuses["ada"] == "passed"
    eve = json.loads((out / "results" / "eve" / "probe.json").read_text())
    assert {t["status"] for t in eve["tests"]} == {"crashed"}
    gus = json.loads((out / "results" / "gus" / "probe.json").read_text())
    assert {t["status"] for t in gus["tests"]} == {"forbidden"}
    ben = (out / "feedback" / "ben.md").read_text()
    assert "Total: 0/3" in ben and "test_hidden_secret_size" in ben
    assert "called causal_mask(3)" in ben          # public tests: full feedback
    assert "called causal_mask(5)" not in ben    # hidden test: the kind of check only, never the call
    hidden = next(t for t in json.loads((out / "results" / "ben" / "probe.json").read_text())["tests"]
                  if t["visibility"] == "hidden")
    assert hidden["message"] in ben and "called" not in hidden["message"]
    assert "No file `probe.py` was submitted" in (out / "feedback" / "dee.md").read_text()
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    db = sqlite3.connect(out / "gradebook.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*), MAX(times_graded) FROM grades").fetchone() == (8, 1)


@pytest.mark.slow
def test_rerun_skips_graded_pairs_and_regrades_changes(tmp_path):
    """A rerun grades only changed or new pairs; --regrade grades every pair again (still one row per pair)."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE, "ben": PROBE_FLOAT, "cy": None})
    out = tmp_path / "out"
    assert judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root).returncode == 0
    (subs / "ben" / "probe.py").write_text(PROBE_REFERENCE)
    (subs / "cy" / "probe.py").write_text(PROBE_REFERENCE)
    proc = judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root)
    assert proc.returncode == 0 and "graded 2 of 3 pairs" in proc.stdout and "1 already graded" in proc.stdout
    assert {r["student"]: r["probe"] for r in read_csv(out / "grades.csv")} == {"ada": "3", "ben": "3", "cy": "3"}
    proc = judge("grade", str(subs), "--out", str(out), "-q", "--regrade", WEAK, root=root)
    assert proc.returncode == 0 and "graded 3 of 3 pairs" in proc.stdout
    db = sqlite3.connect(out / "gradebook.db")
    assert dict(db.execute("SELECT student, times_graded FROM grades")) == {"ada": 2, "ben": 3, "cy": 3}


@pytest.mark.slow
def test_judge_errors_are_retried_listed_and_never_zero(tmp_path):
    """A problem whose tests cannot run: each pair is retried once, recorded as judge_error (no score), listed
    at the end, exit 3; the other problem is graded normally; a rerun retries the judge errors."""
    root = probe_root(tmp_path)
    add_broken_problem(root)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE, "ben": PROBE_FLOAT})
    (subs / "ada" / "broken.py").write_text(PROBE_REFERENCE)
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--problems", "probe,broken", "-q", WEAK, root=root)
    assert proc.returncode == 3, proc.stderr
    assert "judge errors (2 pairs" in proc.stderr and "ada/broken" in proc.stderr and "ben/broken" in proc.stderr
    assert "the judge failed twice" in proc.stderr
    rows = {r["student"]: r for r in read_csv(out / "grades.csv")}
    assert rows["ada"]["broken"] == "judge_error" and rows["ada"]["probe"] == "3"
    assert rows["ada"]["total"] == "" and rows["ada"]["percent"] == ""
    assert not (out / "results" / "ada" / "broken.json").exists()
    db = sqlite3.connect(out / "gradebook.db")
    assert db.execute("SELECT score FROM grades WHERE problem='broken'").fetchall() == [(None,), (None,)]
    assert all("this test file is broken" in m for (m,) in db.execute("SELECT message FROM grades WHERE "
                                                                        "status='judge_error'"))
    assert "not graded" in (out / "feedback" / "ada.md").read_text()
    log = (out / "grading.log").read_text()
    assert log.count("this test file is broken") >= 3  # the two pairs as one batch, then each pair alone
    again = judge("grade", str(subs), "--out", str(out), "--problems", "probe,broken", "-q", WEAK, root=root)
    assert again.returncode == 3 and "graded 2 of 4 pairs" in again.stdout


@pytest.mark.parametrize("how", ["machine without bwrap", "--sandbox process"])
def test_weak_sandbox_is_refused_without_the_flag(tmp_path, how):
    """On the 'process' tier (the strongest a machine has, or the one asked for), judge grade refuses in one line
    (exit 2) and says why; --allow-weak-sandbox grades anyway."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE})
    args = ["grade", str(subs), "--out", str(tmp_path / "out")]
    env = {}
    if how == "--sandbox process":
        args += ["--sandbox", "process"]
    else:
        env = {"JUDGE_SANDBOX": "process"}  # what auto picks where bubblewrap is missing
    proc = judge(*args, root=root, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "--allow-weak-sandbox" in proc.stderr
    allowed = judge(*args, "--quiet", "--allow-weak-sandbox", root=root, env=env)
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("args", [
    ("grade", "/no/such/folder"),
    ("grade", "{empty}"),
    ("grade", "{class}", "--problems", "no_such_problem"),
    ("grade", "{class}", "--out", "{class}/out"),
])
def test_grade_input_errors_are_one_line_exit_2(tmp_path, args):
    root = probe_root(tmp_path)
    (tmp_path / "empty").mkdir()
    make_class(tmp_path / "class", {"ada": PROBE_REFERENCE})
    args = [a.format(empty=tmp_path / "empty", **{"class": tmp_path / "class"}) for a in args]
    proc = judge(*args, WEAK, root=root)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def _graded_rows(db_path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_midway_then_rerun_grades_each_pair_once(tmp_path):
    """Kill a grading run with SIGKILL midway, rerun it: every pair is stored exactly once, nothing already
    graded is graded again, and grades.csv equals the one of an uninterrupted run."""
    root = probe_root(tmp_path)
    students = {f"s{i:02d}": src for i, src in enumerate(
        [PROBE_REFERENCE, PROBE_FLOAT, LOOP_AT_CALL, None, PROBE_REFERENCE, PROBE_FLOAT] * 2)}
    subs = make_class(tmp_path / "class", students)
    killed_out, clean_out = tmp_path / "killed", tmp_path / "clean"
    env = dict(os.environ, JUDGE_ROOT=str(root))
    cmd = [sys.executable, "-m", "judge", "grade", str(subs), "--out", str(killed_out), "--jobs", "1", "-q", WEAK]
    run = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _graded_rows(killed_out / "gradebook.db") < 3 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    assert run.poll() is None, "the run finished before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait()
    before = _graded_rows(killed_out / "gradebook.db")
    assert 3 <= before < len(students)
    assert not (killed_out / "grades.csv").exists()
    rerun = judge("grade", str(subs), "--out", str(killed_out), "--jobs", "2", "-q", WEAK, root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{before} already graded" in rerun.stdout
    assert f"graded {len(students) - before} of {len(students)} pairs" in rerun.stdout
    db = sqlite3.connect(killed_out / "gradebook.db")
    assert db.execute("SELECT COUNT(*), MIN(times_graded), MAX(times_graded) FROM grades").fetchone() == (
        len(students), 1, 1)
    clean = judge("grade", str(subs), "--out", str(clean_out), "--jobs", "2", "-q", WEAK, root=root)
    assert clean.returncode == 0, clean.stderr
    assert (killed_out / "grades.csv").read_text() == (clean_out / "grades.csv").read_text()


def test_misnamed_files_count_and_grading_log_keeps_the_terminal(tmp_path):
    """Causal-style misnaming (case, '(1)', a sub-folder) is graded; every ignored file is saved with its reason."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": None, "ben": None, "cy": None})
    (subs / "ada" / "Probe (1).py").write_text(PROBE_REFERENCE)
    (subs / "ben" / "src").mkdir()
    (subs / "ben" / "src" / "PROBE.py").write_text(PROBE_REFERENCE)
    (subs / "ben" / "notes.txt").write_text("x")
    (subs / "cy" / "probe-1.py").write_text(PROBE_REFERENCE)
    (subs / "cy" / "Probe.py").write_text(PROBE_FLOAT)
    (subs / "__MACOSX").mkdir()
    (subs / "__MACOSX" / "._probe.py").write_text("junk")
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), WEAK, root=root)
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r["probe"] for r in read_csv(out / "grades.csv")}
    assert rows == {"ada": "3", "ben": "3", "cy": "0"}  # cy: two candidates, neither exact: ambiguous
    saved = (out / "ignored.txt").read_text()
    assert "ben/notes.txt\tignored" in saved and "cy/Probe.py\tignored: ambiguous" in saved
    assert "__MACOSX" not in saved
    cy = (out / "feedback" / "cy.md").read_text()
    assert "No file `probe.py` was submitted" in cy and "`Probe.py`: ignored: ambiguous" in cy
    log = (out / "grading.log").read_text()
    for line in proc.stdout.splitlines():
        assert line.strip() in log


@pytest.mark.slow
@pytest.mark.skipif("bwrap" not in __import__("judge.sandbox.launch").sandbox.launch.available_tiers(),
                    reason="bubblewrap is not available here (make sandbox installs it)")
def test_resume_regrades_pairs_graded_on_a_weaker_tier(tmp_path):
    """A pair graded on the process tier is regraded when bwrap is available; a bwrap-graded pair is not
    regraded on a weaker tier."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE, "ben": PROBE_FLOAT})
    out = tmp_path / "out"
    weak = judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root, env={"JUDGE_SANDBOX": "process"})
    assert weak.returncode == 0 and "sandbox: process" in weak.stdout, weak.stderr
    strong = judge("grade", str(subs), "--out", str(out), "-q", "--sandbox", "bwrap", root=root)
    assert strong.returncode == 0 and "graded 2 of 2 pairs" in strong.stdout, strong.stdout
    db = sqlite3.connect(out / "gradebook.db")
    assert {t for (t,) in db.execute("SELECT sandbox FROM grades")} == {"bwrap"}
    again = judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root, env={"JUDGE_SANDBOX": "process"})
    assert again.returncode == 0 and "graded 0 of 2 pairs" in again.stdout and "2 already graded" in again.stdout


@pytest.mark.slow
def test_students_who_left_lose_their_files(tmp_path):
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE, "ben": PROBE_FLOAT})
    out = tmp_path / "out"
    assert judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root).returncode == 0
    assert (out / "results" / "ben").is_dir() and (out / "feedback" / "ben.md").is_file()
    import shutil

    shutil.rmtree(subs / "ben")
    proc = judge("grade", str(subs), "--out", str(out), "-q", WEAK, root=root)
    assert proc.returncode == 0 and "removed the files of 1 student(s) no longer in the class: ben" in proc.stdout
    assert not (out / "results" / "ben").exists() and not (out / "feedback" / "ben.md").exists()
    assert (out / "feedback" / "ada.md").is_file()
    assert [r["student"] for r in read_csv(out / "grades.csv")] == ["ada"]


def _our_processes(marker: str) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                if marker.encode() in (d / "environ").read_bytes():
                    found.append(int(d.name))
            except OSError:
                continue
    return found


def test_ctrl_c_exits_130_and_leaves_no_process(tmp_path):
    """SIGINT (Ctrl-C) mid-run: exit 130 (not 1, 'tests failed'), one line saying how to resume, the grading
    processes gone; the rerun resumes."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {f"s{i}": LOOP_AT_CALL for i in range(6)})
    out = tmp_path / "out"
    env = dict(os.environ, JUDGE_ROOT=str(root))
    run = subprocess.Popen([sys.executable, "-m", "judge", "grade", str(subs), "--out", str(out), "--jobs", "1",
                            "-q", WEAK], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.monotonic() + 60
    while not (out / "grading.log").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert "interrupted" in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert _our_processes(f"JUDGE_ROOT={root}") == []
    assert "interrupted" in (out / "grading.log").read_text()
