"""The `judge` command as learners and authors use it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURE_ROOT, REPO, judge, judge_json

from judge.results import validate_result


def test_help_for_every_command():
    """Every command has help text."""
    top = judge("--help")
    assert top.returncode == 0
    for cmd in ("list", "show", "start", "test", "submit", "history", "validate"):
        proc = judge(cmd, "--help")
        assert proc.returncode == 0 and len(proc.stdout) > 100, cmd


def test_list_is_in_curriculum_order():
    """judge list --json gives every problem, grouped by track in tracks.toml order."""
    code, rows = judge_json("list")
    assert code == 0 and rows
    tracks = [r["track"] for r in rows]
    order = []
    for t in tracks:
        if not order or order[-1] != t:
            order.append(t)
    assert len(order) == len(set(order)), "tracks must not interleave"
    ids = [r["id"] for r in rows]
    assert "causal_mask" in ids


def test_show_prints_the_statement():
    proc = judge("show", "causal_mask")
    assert proc.returncode == 0 and "## Contract" in proc.stdout


@pytest.mark.parametrize("args", [
    ("show", "no_such_problem"), ("submit", "no_such_problem", "x.py"), ("test", "causal_mask", "/no/such/file.py"),
    ("list", "--track", "nope"), ("history", "no_such_problem"),
])
def test_input_errors_are_one_line_exit_2(args):
    """Unknown ids, missing files, unknown tracks: one line on stderr naming the problem, exit 2, no traceback."""
    proc = judge(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("judge: error:")


def test_malformed_problem_toml_names_the_file(tmp_path):
    """A problem.toml that breaks the schema: exit 2, the message names the file and the field."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    toml = root / "problems" / "probe" / "problem.toml"
    toml.write_text(toml.read_text().replace('difficulty = "easy"', 'difficulty = "trivial"'))
    proc = judge("show", "probe", root=root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "problem.toml" in proc.stderr and "difficulty" in proc.stderr
    toml.write_text("id = [unclosed")
    proc = judge("show", "probe", root=root)
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr


def test_start_test_submit_history_flow(tmp_path):
    """start copies the starter (never overwriting), test runs public tests, submit records, history shows."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    db = str(tmp_path / "h.db")
    assert judge("start", "probe", root=root).returncode == 0
    work = root / "workspace" / "probe.py"
    assert work.read_text() == (root / "problems" / "probe" / "starter.py").read_text()
    again = judge("start", "probe", root=root)
    assert again.returncode == 2 and "--force" in again.stderr
    code, result = judge_json("test", "probe", root=root)
    assert code == 1 and result["visibility"] == "public" and len(result["tests"]) == 1
    work.write_text((REPO / "solutions" / "causal_mask" / "reference.py").read_text())
    proc = judge("test", "probe", root=root)
    assert proc.returncode == 0
    assert "hidden tests were not run" in proc.stdout and "all tests passed" not in proc.stdout
    code, result = judge_json("submit", "probe", "--db", db, root=root)
    validate_result(result)
    assert code == 0 and result["score"] == result["max_score"] == 3
    code, rows = judge_json("history", "--db", db, root=root)
    assert code == 0 and rows[0]["problem"] == "probe" and rows[0]["score"] == 3
    code, listing = judge_json("list", "--db", db, root=root)
    assert listing[0]["best_score"] == 3


def test_submit_json_is_exactly_one_object(tmp_db):
    """With --json, stdout holds exactly one result object."""
    proc = judge("submit", "causal_mask", "solutions/causal_mask/reference.py", "--json", "--db", tmp_db)
    assert proc.returncode == 0
    obj = json.loads(proc.stdout)
    validate_result(obj)
    assert obj["status"] == "passed" and obj["visibility"] == "all"


def test_database_records_per_test_verdicts(tmp_db):
    """submit writes the submission and one row per test to SQLite."""
    import sqlite3

    judge("submit", "causal_mask", "solutions/causal_mask/mutants/diagonal_excluded.py", "--db", tmp_db)
    db = sqlite3.connect(tmp_db)
    (count,) = db.execute("SELECT COUNT(*) FROM submissions").fetchone()
    statuses = {s for (s,) in db.execute("SELECT status FROM test_results")}
    assert count == 1 and statuses == {"passed", "failed"}
    stored = json.loads(db.execute("SELECT result_json FROM submissions").fetchone()[0])
    validate_result(stored)


def test_validate_reports_an_escaped_mutant(tmp_path):
    """An author's mutant that no hidden test catches makes judge validate fail (exit 1) and name it."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    sol = root / "solutions" / "probe"
    (sol / "mutants").mkdir(parents=True)
    ref = (REPO / "solutions" / "causal_mask" / "reference.py").read_text()
    (sol / "reference.py").write_text(ref)
    (sol / "mutants" / "same_as_reference.py").write_text(ref)
    (sol / "mutants" / "diag.py").write_text((REPO / "solutions/causal_mask/mutants/diagonal_excluded.py").read_text())
    (sol / "mutants" / "dtype.py").write_text((REPO / "solutions/causal_mask/mutants/float_dtype.py").read_text())
    code, report = judge_json("validate", "probe", root=root)
    assert code == 1
    assert report[0]["mutants_caught"] == 2 and report[0]["escaped"] == ["same_as_reference.py"]
    (sol / "mutants" / "same_as_reference.py").unlink()
    proc = judge("validate", "probe", root=root)
    assert proc.returncode == 1 and "at least 3" in proc.stdout
