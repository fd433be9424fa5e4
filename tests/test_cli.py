"""The `judge` command as learners and authors use it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURE_ROOT, REPO, judge, judge_json

from judge.engine.results import validate_result


@pytest.mark.slow
def test_help_for_every_command():
    """Every command has help text."""
    top = judge("--help")
    assert top.returncode == 0
    for cmd in ("list", "next", "show", "hint", "start", "test", "submit", "history", "validate", "grade",
                "release", "export"):
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


@pytest.mark.slow
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
    assert "'judge submit probe' adds the hidden tests" in proc.stdout and "all tests passed" not in proc.stdout
    code, result = judge_json("submit", "probe", "--db", db, root=root)
    validate_result(result)
    assert code == 0 and result["score"] == result["max_score"] == 3
    code, history = judge_json("history", "--db", db, root=root)
    rows = history["submissions"]
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


# --- the learner's path: progress, next, hints, past reports -------------------------------------------------

REFERENCE = str(REPO / "solutions" / "causal_mask" / "reference.py")
MUTANT = str(REPO / "solutions" / "causal_mask" / "mutants" / "diagonal_excluded.py")
LONG_TITLE = "A second probe whose title is much longer than every other title in this listing"


def two_problem_root(tmp_path):
    """The probe root plus probe_two (prerequisite: probe, a long title) and hints in probe's statement."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    src, dst = root / "problems" / "probe", root / "problems" / "probe_two"
    shutil.copytree(src, dst)
    toml = dst / "problem.toml"
    toml.write_text(toml.read_text().replace('id = "probe"', 'id = "probe_two"').replace("order = 1", "order = 2")
                    .replace('title = "Probe problem for the judge\'s own tests"', f'title = "{LONG_TITLE}"')
                    .replace("[[references]]", 'prerequisites = ["probe"]\n\n[[references]]'))
    two = dst / "README.md"
    two.write_text(two.read_text().replace("## Hints\n- `np.tril` keeps the diagonal.\n\n", ""))
    readme = root / "problems" / "probe" / "README.md"
    text = readme.read_text()
    assert "## Hints\n- `np.tril` keeps the diagonal.\n" in text
    readme.write_text(text.replace("## Hints\n- `np.tril` keeps the diagonal.\n",
                                   "## Hints\n- First: use `np.tril`.\n- Second: the dtype is\n  bool, not float.\n")
                      + "\n## After\nThe end.\n")
    return root


def test_list_shows_progress_per_track_and_overall_in_aligned_columns(tmp_path):
    root = two_problem_root(tmp_path)
    db = str(tmp_path / "h.db")
    assert judge("submit", "probe", REFERENCE, "--db", db, root=root).returncode == 0
    proc = judge("list", "--db", db, root=root)
    assert proc.returncode == 0
    assert "Judge probes [probe]  1 of 2 solved" in proc.stdout
    assert "1 of 2 problems solved (50%)" in proc.stdout
    rows = [line for line in proc.stdout.splitlines() if "best:" in line]
    assert len(rows) == 2 and len({line.index("best:") for line in rows}) == 1, rows
    assert len({line.index("easy") for line in rows}) == 1
    code, listing = judge_json("list", "--db", db, root=root)
    assert [(r["id"], r["solved"]) for r in listing] == [("probe", True), ("probe_two", False)]


@pytest.mark.slow
def test_next_is_the_first_unsolved_problem_whose_prerequisites_are_solved(tmp_path):
    root = two_problem_root(tmp_path)
    db = str(tmp_path / "h.db")
    code, nxt = judge_json("next", "--db", db, root=root)
    assert code == 0 and nxt["id"] == "probe" and "no prerequisites" in nxt["reason"]
    judge("submit", "probe", MUTANT, "--db", db, root=root)  # submitted but not solved: still next
    code, nxt = judge_json("next", "--db", db, root=root)
    assert nxt["id"] == "probe" and "not yet solved" in nxt["reason"]
    judge("submit", "probe", REFERENCE, "--db", db, root=root)
    proc = judge("next", "--db", db, root=root)
    assert proc.returncode == 0 and "Next: probe_two" in proc.stdout and "(probe) are solved" in proc.stdout
    judge("submit", "probe_two", REFERENCE, "--db", db, root=root)
    code, nxt = judge_json("next", "--db", db, root=root)
    assert nxt["id"] is None and "every problem is solved" in nxt["reason"]


@pytest.mark.slow
def test_hints_are_revealed_one_at_a_time_and_recorded(tmp_path):
    root = two_problem_root(tmp_path)
    db = str(tmp_path / "h.db")
    shown = judge("show", "probe", root=root)
    assert "np.tril" not in shown.stdout and "2 hint(s), revealed one at a time: judge hint probe" in shown.stdout
    assert "## After" in shown.stdout  # only the hints section is held back
    first = judge("hint", "probe", "--db", db, root=root)
    assert first.returncode == 0 and "Hint 1 of 2: First: use `np.tril`." in first.stdout
    assert "Second" not in first.stdout and "1 more: judge hint probe" in first.stdout
    code, second = judge_json("hint", "probe", "--db", db, root=root)
    assert second["revealed"] == 2 and second["hints"][1] == "Second: the dtype is bool, not float."
    third = judge("hint", "probe", "--db", db, root=root)
    assert third.returncode == 0 and "all 2 hints are revealed" in third.stdout
    code, history = judge_json("history", "--db", db, root=root)
    assert [(h["problem"], h["number"]) for h in history["hints"]] == [("probe", 1), ("probe", 2)]
    assert "hints revealed: probe 2" in judge("history", "--db", db, root=root).stdout
    none = judge("hint", "probe_two", "--db", db, root=root)
    assert none.returncode == 2 and "has no hints" in none.stderr


def test_every_statement_has_hints_that_parse():
    """Each real statement's ## Hints section gives at least two hints, none empty."""
    from judge.cli.hints import parse_hints, without_hints
    from judge.engine.problems import problem_ids

    for pid in problem_ids(REPO):
        text = (REPO / "problems" / pid / "README.md").read_text()
        hints = parse_hints(text)
        assert len(hints) >= 2 and all(len(h) > 10 for h in hints), pid
        assert "## Hints" not in without_hints(text) and hints[0][:30] not in without_hints(text), pid


@pytest.mark.slow
def test_history_shows_a_past_report_and_what_changed(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    db = str(tmp_path / "h.db")
    judge("submit", "probe", MUTANT, "--db", db, root=root)
    judge("submit", "probe", REFERENCE, "--db", db, root=root)
    code, rows = judge_json("history", "--db", db, root=root)
    first, second = rows["submissions"][1]["id"], rows["submissions"][0]["id"]
    proc = judge("history", "--attempt", str(first), "--db", db, root=root)
    assert proc.returncode == 0 and "FAIL" in proc.stdout and "wrong values" in proc.stdout
    assert "first submission of this problem" in proc.stdout
    proc = judge("history", "probe", "--attempt", str(second), "--db", db, root=root)
    assert proc.returncode == 0 and "Score 3/3" in proc.stdout
    assert f"Tests that changed between #{first} and #{second}:" in proc.stdout
    assert "test_hidden_secret_size  FAIL -> PASS (hidden)" in proc.stdout
    code, shown = judge_json("history", "--attempt", str(first), "--against", str(second), "--db", db, root=root)
    validate_result(shown["result"])
    assert shown["compared_with"] == second
    assert shown["changes"] == [
        {"name": "test_public_example", "visibility": "public", "before": "passed", "after": "failed"},
        {"name": "test_hidden_secret_size", "visibility": "hidden", "before": "passed", "after": "failed"}]
    missing = judge("history", "--attempt", "99", "--db", db, root=root)
    assert missing.returncode == 2 and "no submission #99" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_history_json_is_one_object_as_its_help_says(tmp_path):
    proc = judge("history", "--json", "--db", str(tmp_path / "none.db"))
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"submissions": [], "hints": []}
    assert "one JSON object" in judge("history", "--help").stdout


# --- the small breaks -----------------------------------------------------------------------------------------

def test_a_closed_pipe_ends_silently_with_exit_0():
    """`judge show X | head`: the reader goes away before the judge writes; no message, exit 0."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "judge", "show", "causal_mask"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the judge has even started: its first write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == ""


@pytest.mark.parametrize("args,suggestion", [
    (("show", "causl_mask"), "did you mean 'causal_mask'"),
    (("submit", "padding_msk", "x.py"), "did you mean 'padding_mask'"),
    (("lsit",), "did you mean 'list'"),
    (("list", "--track", "mask"), "did you mean 'masks'"),
])
def test_unknown_names_get_a_did_you_mean(args, suggestion):
    proc = judge(*args)
    assert proc.returncode == 2 and suggestion in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("judge: error:")


@pytest.mark.parametrize("args,words", [
    (("test", "causal_mask", "problems"), "is a directory"),
    (("submit", "causal_mask", "judge"), "is a directory"),
    (("test", "causal_mask", "a.py", "b.py"), "unexpected extra argument"),
    (("test",), "Missing argument 'PROBLEM_ID'"),
    (("history", "--attempt", "x"), "not a valid integer"),
    (("test", "causal_mask", "--db", "x.db"), "No such option"),  # test runs are not recorded: no --db
])
def test_usage_errors_share_the_one_line_style(args, words):
    """click's own usage errors look like every other error: one line, no usage block, exit 2."""
    proc = judge(*args)
    assert proc.returncode == 2 and words in proc.stderr and "Usage:" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("judge: error:")


def test_learner_reports_speak_plainly_and_split_the_score_by_kind(tmp_db):
    """No sandbox tier in a learner's report (it stays in --json); the score is split by kind of test."""
    proc = judge("submit", "causal_mask", "solutions/causal_mask/mutants/no_validation.py", "--db", tmp_db)
    assert proc.returncode == 1
    assert "sandbox" not in proc.stdout and "bwrap" not in proc.stdout
    assert "by kind of test: " in proc.stdout and "argument checks 0/" in proc.stdout
    assert "correctness" in proc.stdout
    code, result = judge_json("submit", "causal_mask", "solutions/causal_mask/mutants/no_validation.py", "--db",
                              tmp_db)
    validate_result(result)
    assert result["sandbox"] in ("bwrap", "process")
    kinds = {c["category"]: c for c in result["categories"]}
    assert kinds["argument checks"]["score"] == 0 < kinds["argument checks"]["max_score"]
    assert kinds["correctness"]["score"] == kinds["correctness"]["max_score"]
    assert sum(c["max_score"] for c in result["categories"]) == result["max_score"]


@pytest.mark.slow
def test_validate_requires_a_known_category_on_every_test(tmp_path):
    """judge validate names a test without @pytest.mark.category, or with an unknown one."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    sol = root / "solutions" / "probe"
    (sol / "mutants").mkdir(parents=True)
    (sol / "reference.py").write_text(Path(REFERENCE).read_text())
    for name in ("diagonal_excluded", "float_dtype", "upper_triangle"):
        (sol / "mutants" / f"{name}.py").write_text((REPO / f"solutions/causal_mask/mutants/{name}.py").read_text())
    code, report = judge_json("validate", "probe", root=root)
    assert code == 0, report[0]["errors"]
    hidden = root / "problems" / "probe" / "tests_hidden.py"
    text = hidden.read_text()
    hidden.write_text(text.replace('@pytest.mark.category("correctness")\n', ""))
    code, report = judge_json("validate", "probe", root=root)
    assert code == 1 and any("test_hidden_secret_size has no category" in e for e in report[0]["errors"])
    hidden.write_text(text.replace('category("correctness")', 'category("maths")'))
    code, report = judge_json("validate", "probe", root=root)
    assert code == 1 and any("test_hidden_secret_size has 'maths'" in e for e in report[0]["errors"])


def test_the_all_ignored_causal_lm_loss_message_says_what_failed(tmp_db):
    """The hidden message once cut off at 'wrong value: causal_lm_loss(every target -100)' now says which property
    failed, without an input."""
    code, result = judge_json("submit", "causal_lm_loss", "solutions/causal_lm_loss/mutants/nan_before_num_items.py",
                              "--db", tmp_db)
    (test,) = [t for t in result["tests"] if t["name"] == "test_all_ignored"]
    assert test["status"] == "failed" and test["visibility"] == "hidden"
    assert test["message"] == ("wrong value: causal_lm_loss with every target ignored and num_items_in_batch given "
                               "is NaN, but a number is expected")


@pytest.mark.slow
def test_json_help_says_what_each_command_prints():
    """--json prints what its help says: one object, or for list and validate one array."""
    for cmd, word in (("list", "array"), ("validate", "array"), ("history", "object"), ("next", "object"),
                      ("hint", "object"), ("test", "object"), ("submit", "object")):
        assert f"Print one JSON {word}" in judge(cmd, "--help").stdout, cmd
    assert isinstance(judge_json("list")[1], list) and isinstance(judge_json("next", "--db", "/nonexistent.db")[1],
                                                                   dict)


HEAVY = ("pytest", "_pytest", "numpy", "jsonschema")
IMPORT_PROBE = """
import sys
{before}
from judge.cli.main import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
print("\\nheavy:", ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def heavy_imports(args: list[str], before: str = "", cwd: Path = REPO) -> list[str]:
    """Which of pytest, NumPy and jsonschema a fresh interpreter has imported after running ``judge ARGS``."""
    import subprocess
    import sys

    code = IMPORT_PROBE.format(before=before, args=args, heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    line = proc.stdout.rstrip().splitlines()[-1]
    assert line.startswith("heavy:"), proc.stderr[-500:]
    return [m for m in line.removeprefix("heavy:").strip().split(",") if m]


@pytest.mark.parametrize("args", [["list"], ["show", "causal_mask"], ["next"], ["hint", "causal_mask"],
                                  ["history"]], ids=lambda a: a[0])
def test_cheap_commands_import_neither_pytest_nor_numpy(args, tmp_path):
    """judge list/show/next/hint/history only read files and the history: no test framework, no NumPy, no
    schema validator in their start-up (they start in about a third of the time judging commands take)."""
    assert heavy_imports([*args, *(["--db", str(tmp_path / "h.db")] if args[0] in ("hint", "history") else [])]) \
        == []


def test_the_import_probe_sees_a_heavy_import():
    assert heavy_imports(["list"], before="import judge.engine.runner") == ["pytest", "_pytest", "numpy"]
