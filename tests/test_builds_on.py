"""Building on your own solutions (judge/engine/builds_on.py): a problem that ``builds_on`` an earlier one lets the
learner's file import the learner's own solution of it, found beside the file (judge test/submit), among the same
student's files (judge grade, the autograder) or among the references (files under solutions/). Each is shipped
as text and loaded from memory in the worker; nothing else answers to its name."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from classroom import probe_root, readable_tmpdir, remove_readable_tmpdirs, run_autograder
from helpers import judge, judge_json, write_file

from judge.engine.problems import load_problem
from judge.engine.runner import run_solution
from judge.sandbox.launch import available_tiers, select_sandbox

BASE_OK = "def double(x):\n    return 2 * x\n"
BASE_WRONG = "def double(x):\n    return 3 * x\n"
LATER_IMPORTS = "from base import double\n\n\ndef quad(x):\n    return double(double(x))\n"
LATER_PASTED = "def double(x):\n    return 2 * x\n\n\ndef quad(x):\n    return double(double(x))\n"

TOML = """id = "{id}"
title = "{id}: a problem of the builds_on tests"
track = "probe"
order = {order}
difficulty = "easy"
entry_points = {entry_points}
time_limit_s = 2.0
memory_limit_mb = 1024
hidden_feedback = "full"
allowed_imports = ["numpy", "math", "sys"]
{extra}
[[references]]
title = "tests/test_builds_on.py"
"""
BASE_TESTS = """import pytest


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_double(sol):
    \"\"\"double(3) is 6.\"\"\"
    assert sol.double(3) == 6, f"double(3) returned {sol.double(3)}, expected 6"
"""
LATER_TESTS = BASE_TESTS + """

@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_quad(sol):
    \"\"\"quad(3) is 12.\"\"\"
    assert sol.quad(3) == 12, f"quad(3) returned {sol.quad(3)}, expected 12"
"""


def builds_on_root(tmp_path: Path) -> Path:
    """The fixture root with two more problems: ``base`` (double) and ``later`` (quad), which builds on base."""
    root = probe_root(tmp_path)
    for pid, order, entry, extra, tests in [
        ("base", 2, '["double"]', "", BASE_TESTS),
        ("later", 3, '["double", "quad"]', 'prerequisites = ["base"]\nbuilds_on = ["base"]\n', LATER_TESTS),
    ]:
        folder = root / "problems" / pid
        write_file(folder / "problem.toml", TOML.format(id=pid, order=order, entry_points=entry, extra=extra))
        write_file(folder / "README.md", f"# {pid}\n")
        write_file(folder / "starter.py", "")
        write_file(folder / "tests_public.py", tests)
    return root


def later_result(root: Path, folder: Path, later: str, base: str | None, **options) -> dict:
    write_file(folder / "later.py", later)
    if base is not None:
        write_file(folder / "base.py", base)
    return run_solution(load_problem(root, "later"), folder / "later.py", "public", **options)


def scores(result: dict) -> dict[str, float]:
    return {t["name"]: t["score"] for t in result["tests"]}


def test_imports_the_learners_own_file_beside_it(tmp_path):
    root = builds_on_root(tmp_path)
    result = later_result(root, tmp_path / "work", LATER_IMPORTS, BASE_OK)
    assert result["score"] == result["max_score"] == 3
    sha = hashlib.sha256(BASE_OK.encode()).hexdigest()
    assert result["builds_on"] == [{"problem": "base", "file": "base.py", "sha256": sha}]
    pasted = later_result(root, tmp_path / "pasted", LATER_PASTED, None)
    assert pasted["score"] == 3 and "builds_on" not in pasted  # pasting still works, and ships nothing


def test_a_wrong_earlier_file_is_graded_as_is(tmp_path):
    """The later problem runs on the learner's own earlier code, exactly as if it had been pasted in."""
    root = builds_on_root(tmp_path)
    imported = later_result(root, tmp_path / "a", LATER_IMPORTS, BASE_WRONG)
    pasted = later_result(root, tmp_path / "b", BASE_WRONG + "\n\n" + LATER_IMPORTS.split("\n", 1)[1], None)
    assert scores(imported) == scores(pasted) == {"test_double": 0.0, "test_quad": 0.0}


def test_a_missing_earlier_file_says_where_it_was_looked_for(tmp_path):
    root = builds_on_root(tmp_path)
    result = later_result(root, tmp_path / "work", LATER_IMPORTS, None)
    assert result["score"] == 0 and result["status"] == "error"
    assert "there is no base.py (or base.ipynb) beside later.py" in result["message"]
    assert "line 1" in result["message"]


def test_a_builds_on_name_is_never_found_anywhere_else(tmp_path):
    """Neither a base.py on sys.path nor one in the judge's working folder stands in for the learner's own."""
    root = builds_on_root(tmp_path)
    elsewhere = write_file(tmp_path / "elsewhere" / "base.py", BASE_OK).parent
    sneaky = f"import sys\nsys.path.insert(0, {str(elsewhere)!r})\n" + LATER_IMPORTS
    result = later_result(root, tmp_path / "work", sneaky, None)
    assert result["score"] == 0 and "No module named 'base'" in result["message"]
    dynamic = "double = __import__('base').double\n\n\ndef quad(x):\n    return double(double(x))\n"
    write_file(tmp_path / "work2" / "base.py", BASE_OK)
    result = later_result(root, tmp_path / "work2", dynamic, None)
    assert result["score"] == 0 and "with an import statement" in result["message"]


def test_the_earlier_file_obeys_the_import_rules(tmp_path):
    root = builds_on_root(tmp_path)
    result = later_result(root, tmp_path / "work", LATER_IMPORTS, "import os\n\n" + BASE_OK)
    assert result["score"] == 0
    assert "base.py (your solution of base, which your file imports)" in result["message"]
    assert "imports 'os'" in result["message"]
    assert {t["status"] for t in result["tests"]} == {"forbidden"}
    hidden = "def double(x):\n    return len(__import__('csv').__name__) * 0 + 2 * x\n"  # no import statement to see
    result = later_result(root, tmp_path / "dynamic", LATER_IMPORTS, hidden)
    assert result["score"] == 0 and {t["status"] for t in result["tests"]} == {"forbidden"}


def test_errors_in_the_earlier_file_name_its_lines(tmp_path):
    root = builds_on_root(tmp_path)
    broken = "def double(x):\n    raise KeyError('in base')\n"
    result = later_result(root, tmp_path / "work", LATER_IMPORTS, broken)
    quad = next(t for t in result["tests"] if t["name"] == "test_quad")
    assert "base.py line 2, in double" in quad["message"] and "line 5, in quad" in quad["message"]


@pytest.mark.parametrize("tier", [t for t in available_tiers() if t in ("bwrap", "process")])
def test_the_earlier_file_is_loaded_as_it_was_and_left_alone(tmp_path, tier):
    """The worker gets the text, not the file: a submission that writes to its module's file changes nothing,
    and the learner's file is byte for byte what it was, on every tier (the weak tier's worker loads the
    submission from where it lies: the earlier module's __file__ must not be the learner's real file)."""
    root = builds_on_root(tmp_path)
    vandal = ("import base\n\ntry:\n    open(base.__file__, 'w').write('def double(x):\\n    return 0\\n')\n"
              "except OSError:\n    pass\n\n\ndef double(x):\n    return base.double(x)\n\n\n"
              "def quad(x):\n    import base as again\n    return again.double(again.double(x))\n")
    result = later_result(root, tmp_path / "work", vandal, BASE_OK, sandbox=select_sandbox(tier))
    assert result["score"] == 3 and result["sandbox"] == tier
    assert (tmp_path / "work" / "base.py").read_text() == BASE_OK


def test_a_notebook_can_be_the_earlier_solution(tmp_path):
    root = builds_on_root(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# base"), nbformat.v4.new_code_cell("%matplotlib inline\n" + BASE_OK),
                nbformat.v4.new_code_cell("double(4)")]
    (tmp_path / "work").mkdir()
    nbformat.write(nb, str(tmp_path / "work" / "base.ipynb"))
    result = later_result(root, tmp_path / "work", LATER_IMPORTS, None)
    assert result["score"] == 3 and result["builds_on"][0]["file"] == "base.ipynb"


def test_cli_imports_from_another_folder(tmp_path):
    root = builds_on_root(tmp_path)
    write_file(tmp_path / "mine" / "base.py", BASE_OK)
    later = write_file(tmp_path / "elsewhere" / "later.py", LATER_IMPORTS)
    code, result = judge_json("test", "later", str(later), "--imports-from", str(tmp_path / "mine"), root=root)
    assert code == 0 and result["score"] == 3
    code, result = judge_json("test", "later", str(later), root=root)
    assert code == 1 and "beside later.py" in result["message"]
    proc = judge("test", "later", str(later), "--imports-from", str(tmp_path / "nowhere"), root=root)
    assert proc.returncode == 2 and "--imports-from" in proc.stderr and "Traceback" not in proc.stderr


def test_the_api_imports_from_the_current_folder(tmp_path, monkeypatch):
    """judge.test("later", source) in a notebook: the kernel's folder, where the kernel itself imports from."""
    from judge.cli import desk

    root = builds_on_root(tmp_path)
    write_file(tmp_path / "nb" / "base.py", BASE_OK)
    monkeypatch.chdir(tmp_path / "nb")
    monkeypatch.setenv("JUDGE_ROOT", str(root))
    report = desk.test("later", LATER_IMPORTS)
    assert report.score == 3 and "built on your own base.py" in report._repr_html_()


@pytest.mark.slow
def test_a_class_uses_each_students_own_earlier_file(tmp_path):
    """ada imports her correct base; ben imports his wrong one; cy pasted; dee's base.py is a link to ada's
    (refused: links are never followed); eve's earlier file is named as an LMS renames it. Only later is graded;
    a rerun after ben fixes base regrades ben's later alone."""
    root = builds_on_root(tmp_path)
    subs = tmp_path / "class"
    for student, later, base in [("ada", LATER_IMPORTS, BASE_OK), ("ben", LATER_IMPORTS, BASE_WRONG),
                                 ("cy", LATER_PASTED, None), ("dee", LATER_IMPORTS, None),
                                 ("eve", LATER_IMPORTS, None)]:
        write_file(subs / student / "later.py", later)
        if base is not None:
            write_file(subs / student / "base.py", base)
    os.symlink(subs / "ada" / "base.py", subs / "dee" / "base.py")
    write_file(subs / "eve" / "Base (1).py", BASE_OK)
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--problems", "later", "-q", "--jobs", "2",
                 "--allow-weak-sandbox", root=root)
    assert proc.returncode in (0, 1), proc.stderr
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert {s: r["later"] for s, r in rows.items()} == {"ada": "3", "ben": "0", "cy": "3", "dee": "0", "eve": "3"}
    assert "base" not in rows["ada"]  # found, not graded
    dee = json.loads((out / "results" / "dee" / "later.json").read_text())
    assert "among your submitted files" in dee["message"]
    ada = json.loads((out / "results" / "ada" / "later.json").read_text())
    assert ada["builds_on"][0]["file"] == "base.py"
    assert "Built on your own `base.py`" in (out / "feedback" / "ada.md").read_text()
    write_file(subs / "ben" / "base.py", BASE_OK)
    again = judge("grade", str(subs), "--out", str(out), "--problems", "later", "-q", "--jobs", "2",
                  "--allow-weak-sandbox", root=root)
    assert again.returncode in (0, 1), again.stderr
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert rows["ben"]["later"] == "3"
    assert "graded 1 of 5 pairs" in again.stdout and "4 already graded" in again.stdout


@pytest.mark.slow
def test_the_autograder_takes_the_earlier_file_from_the_same_upload(tmp_path, tmp_path_factory):
    """A Gradescope bundle of later alone: base.py uploaded with later.py is imported; without it, later does not
    load and results.json says so."""
    root = builds_on_root(tmp_path)
    bundle = tmp_path / "autograder.zip"
    proc = judge("export", "gradescope", str(bundle), "--problems", "later", root=root)
    assert proc.returncode == 0, proc.stderr
    files = {"later.py": write_file(tmp_path / "up" / "later.py", LATER_IMPORTS),
             "base.py": write_file(tmp_path / "up" / "base.py", BASE_OK)}
    try:
        ag = readable_tmpdir(tmp_path_factory, "autograder-builds-on")
        proc, doc = run_autograder(bundle, ag / "with", files)
        assert proc.returncode == 0, proc.stderr
        assert doc["score"] == 3
        proc, doc = run_autograder(bundle, ag / "without", {"later.py": files["later.py"]})
        assert doc["score"] == 0
        assert "among your submitted files" in json.dumps(doc)
    finally:
        remove_readable_tmpdirs()


def test_collect_keeps_the_earlier_files_a_graded_file_imports(tmp_path):
    """judge collect --problems later keeps base.py beside later.py (a Gradescope download of one assignment)."""
    root = builds_on_root(tmp_path)
    download = tmp_path / "download"
    sub = download / "submission_1"
    write_file(sub / "later.py", LATER_IMPORTS)
    write_file(sub / "base.py", BASE_OK)
    write_file(download / "submission_metadata.yml",
               "submission_1:\n  :submitters:\n  - :name: Ada Lovelace\n    :email: ada@example.edu\n"
               "    :sid: ada\n  :created_at: 2026-10-01 10:00:00.000000000 -07:00\n  :score: 0.0\n")
    out = tmp_path / "class"
    proc = judge("collect", str(download), str(out), "--problems", "later", "--format", "gradescope", root=root)
    assert proc.returncode == 0, proc.stderr
    student = next(p for p in out.iterdir() if p.is_dir())
    assert sorted(p.name for p in student.iterdir()) == ["base.py", "later.py"]


def test_validate_checks_builds_on(tmp_path):
    root = builds_on_root(tmp_path)
    toml = root / "problems" / "later" / "problem.toml"
    toml.write_text(toml.read_text().replace('prerequisites = ["base"]\n', ""))
    proc = judge("validate", "later", root=root)
    assert "builds_on 'base' is not among its prerequisites" in proc.stdout + proc.stderr
    toml.write_text(toml.read_text().replace('builds_on = ["base"]', 'prerequisites = ["base"]\nbuilds_on = '
                                             '["bsae"]'))
    proc = judge("validate", "later", root=root)
    assert "builds_on 'bsae' is not a problem id" in proc.stdout + proc.stderr


def test_the_capstone_starters_import_instead_of_copying():
    """The three capstone problems build on tiny_transformer (and the last two on pretrain_both_ways): their
    starters import the model code, and no reference defines forward or loss_and_grads again."""
    from helpers import REPO

    for pid in ("pretrain_both_ways", "compare_objectives", "tasks_both_ways"):
        problem = load_problem(REPO, pid)
        assert "tiny_transformer" in problem.builds_on
        assert "from tiny_transformer import forward, loss_and_grads" in problem.starter.read_text()
        reference = (REPO / "solutions" / pid / "reference.py").read_text()
        assert "def forward(" not in reference and "def loss_and_grads(" not in reference


@pytest.mark.slow
def test_the_capstone_with_the_model_code_written_once(tmp_path):
    """A learner's workspace (not under solutions/, so each file imports what is beside it): tiny_transformer.py
    holds the model, pretrain_both_ways.py imports it, compare_objectives.py and tasks_both_ways.py import both;
    judge submit gives each full marks, and forward and loss_and_grads are written in one file only."""
    from helpers import REPO

    work = tmp_path / "workspace"
    work.mkdir()
    capstone = ("pretrain_both_ways", "compare_objectives", "tasks_both_ways")
    for pid in ("tiny_transformer", *capstone):
        shutil.copyfile(REPO / "solutions" / pid / "reference.py", work / f"{pid}.py")
    sources = [f.read_text() for f in work.glob("*.py")]
    assert sum(s.count("def forward(") for s in sources) == sum(s.count("def loss_and_grads(") for s in sources) == 1
    for pid in capstone:
        code, result = judge_json("submit", pid, str(work / f"{pid}.py"), "--db", str(tmp_path / "history.db"))
        assert code == 0 and result["score"] == result["max_score"] > 0, (pid, result.get("message"))
        used = {b["file"] for b in result["builds_on"]}
        assert used == ({"tiny_transformer.py"} if pid == capstone[0] else {"tiny_transformer.py",
                                                                             "pretrain_both_ways.py"})


def test_feedback_names_the_earlier_file_and_its_grade():
    """A student's feedback says which own file a result was built on, with that file's grade when it was graded
    in the same run, and shows a hostile file name inert."""
    from judge.grading.outputs import built_on_note

    result = {"builds_on": [{"problem": "base", "file": "base\x1b[2J.py", "sha256": "0" * 64}]}
    note = built_on_note(result, {"base": {"score": 0.0, "max_score": 1.0, "status": "failed"}})
    assert "which scored 0/1 on base" in note and "\x1b" not in note
    assert "which scored" not in built_on_note(result, {})


def test_size_caps_of_the_earlier_file(tmp_path):
    """A notebook with large outputs is still an earlier solution (its code is what counts); a .py above 1 MiB
    is refused with a one-line reason naming it."""
    root = builds_on_root(tmp_path)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(BASE_OK)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "A" * (3 << 19)})]
    nb.cells = [cell]
    (tmp_path / "nb").mkdir()
    nbformat.write(nb, str(tmp_path / "nb" / "base.ipynb"))
    assert later_result(root, tmp_path / "nb", LATER_IMPORTS, None)["score"] == 3
    huge = BASE_OK + "#" * (1 << 20) + "\n"
    result = later_result(root, tmp_path / "big", LATER_IMPORTS, huge)
    assert result["score"] == 0 and "base.py (your solution of base, which your file imports) cannot be used: " \
        "larger than 1024 KiB" in result["message"]


def test_start_says_what_the_starter_imports_and_whether_it_is_there(tmp_path):
    root = builds_on_root(tmp_path)
    proc = judge("start", "later", root=root)
    assert proc.returncode == 0, proc.stderr
    assert f"the starter imports it from {root / 'workspace'}; not there yet: base.py (judge start base)" in proc.stdout
    write_file(root / "workspace" / "base.py", BASE_OK)
    proc = judge("start", "later", "--force", root=root)
    assert "(found: base.py)" in proc.stdout and "not there yet" not in proc.stdout
