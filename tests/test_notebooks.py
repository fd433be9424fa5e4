"""Notebooks as submissions (judge/engine/notebooks.py), the Python API and the %%judge magic (judge/cli/desk.py,
judge/cli/magic.py), executed in a real Jupyter kernel (nbclient + ipykernel), against `judge submit` on the same code.

The notebooks are built with nbformat, the library Jupyter itself writes them with (nbformat v4 schema)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, judge, judge_json, write_file
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from judge.cli.desk import Report
from judge.engine.notebooks import cells_source, notebook_summary, read_notebook

REFERENCE = (REPO / "solutions" / "causal_mask" / "reference.py").read_text()
WRONG = (REPO / "solutions" / "causal_mask" / "mutants" / "float_dtype.py").read_text()


def _write(path: Path, *cells) -> Path:
    nbformat.write(new_notebook(cells=list(cells)), str(path))
    return path


# -- what counts as the submission ---------------------------------------------------------------------------

def test_ipython_lines_cell_magics_and_judge_calls_are_left_out():
    ex = cells_source([
        (1, "%matplotlib inline\nimport numpy as np\n!pip install torch\nnp.tril?"),
        (2, "def f(x):\n    return x  # why?\n"),
        (3, "f(3)\nassert f(2) == 2"),
        (4, "%%timeit\nf(2)"),
        (5, "%%judge test causal_mask\ndef g():\n    return 1"),
        (6, "import judge\nr = judge.test('causal_mask', 'x.py')\nr"),
        (7, "%load_ext judge"),
        (8, "# only a comment"),
    ])
    namespace: dict = {}
    exec(compile(ex.source, "extracted", "exec"), namespace)  # the extracted source is plain Python
    assert {"np", "f", "g"} <= set(namespace) and "r" not in namespace
    assert [c["cell"] for c in ex.used] == [1, 2, 5]
    why = {c["cell"]: c["why"] for c in ex.left_out if not c["why"].startswith("line ")}
    assert why == {3: "only expressions and asserts: trying the code out", 4: "cell magic %%timeit",
                   6: "only expressions and asserts: trying the code out",
                   7: "only IPython commands and uses of the judge", 8: "no statements"}
    assert sum(c["cell"] == 1 for c in ex.left_out) == 3  # %matplotlib, !pip, np.tril?
    assert "return x  # why?" in ex.source  # a '?' in a comment is Python, not IPython help
    summary = notebook_summary(ex.info("nb.ipynb"))
    assert "cells 3, 6 (only expressions" in summary and "cell 4 (cell magic %%timeit)" in summary


def test_line_numbers_of_used_cells_point_into_the_extracted_source():
    ex = cells_source([(2, "import numpy as np"), (5, "def f(:\n    pass")])
    lines = ex.source.splitlines()
    first, last = ex.used[1]["lines"]
    assert lines[first - 1:last] == ["def f(:", "    pass"]  # a cell that does not parse is still used
    assert lines[ex.used[0]["lines"][0] - 1] == "import numpy as np"


def test_a_string_holding_a_bang_line_is_kept_when_the_cell_is_python():
    ex = cells_source([(1, 'def f():\n    return """\n!not a shell line\n"""')])
    assert "!not a shell line" in ex.source


# -- the command line ----------------------------------------------------------------------------------------

def test_submit_of_a_notebook_scores_as_the_same_code_in_a_py_file(tmp_path):
    body = REFERENCE.replace("import numpy as np\n", "")
    nb = _write(tmp_path / "mine.ipynb", new_markdown_cell("# causal mask"),
                new_code_cell("%matplotlib inline\nimport numpy as np"), new_code_cell(body),
                new_code_cell("causal_mask(3)"))
    py = tmp_path / "causal_mask.py"
    py.write_text(read_notebook(nb).source)
    code_nb, res_nb = judge_json("submit", "causal_mask", str(nb), "--db", str(tmp_path / "db"))
    code_py, res_py = judge_json("submit", "causal_mask", str(py), "--db", str(tmp_path / "db"))
    assert code_nb == code_py == 0 and res_nb["score"] == res_py["score"] == res_py["max_score"] > 0
    assert [t["status"] for t in res_nb["tests"]] == [t["status"] for t in res_py["tests"]]
    # the submitted file's digest (the gradebook's resume check hashes the file it graded)
    assert res_nb["solution_sha256"] == hashlib.sha256(nb.read_bytes()).hexdigest() != res_py["solution_sha256"]
    assert [c["cell"] for c in res_nb["notebook"]["cells_used"]] == [2, 3]
    assert res_nb["notebook"]["file"] == "mine.ipynb"
    text = judge("test", "causal_mask", str(nb)).stdout
    assert "notebook mine.ipynb: graded code cells 2 (lines 2-3), 3" in text


def test_a_file_that_is_not_a_notebook_is_invalid_with_a_one_line_reason(tmp_path):
    bad = tmp_path / "causal_mask.ipynb"
    bad.write_text('{"cells": [')
    code, res = judge_json("test", "causal_mask", str(bad))
    assert code == 1 and res["status"] == "error" and {t["status"] for t in res["tests"]} == {"invalid"}
    assert "not a Jupyter notebook" in res["message"] and "causal_mask.ipynb" in res["message"]


def test_start_notebook_holds_the_statement_examples_and_grades_like_the_starter(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "problems").symlink_to(REPO / "problems")
    (root / "solutions").symlink_to(REPO / "solutions")
    proc = judge("start", "causal_mask", "--notebook", root=root)
    assert proc.returncode == 0, proc.stderr
    path = root / "workspace" / "causal_mask.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "%load_ext judge" in sources and any(s.startswith("%%judge test causal_mask\n") for s in sources)
    assert "causal_mask(0).shape\n# (0, 0)" in sources  # an example of the statement, expected output as comment
    assert judge("start", "causal_mask", "--notebook", root=root).returncode == 2  # never overwrites
    code, res = judge_json("test", "causal_mask", str(path), root=root)
    assert code == 1 and res["score"] == 0  # the starter scores 0
    for cell in nb.cells:  # the learner writes the solution into the %%judge cell
        if cell.source.startswith("%%judge"):
            cell.source = "%%judge test causal_mask\n" + REFERENCE
    nbformat.write(nb, str(path))
    code, res = judge_json("submit", "causal_mask", str(path), "--db", str(tmp_path / "db"), root=root)
    assert code == 0 and res["score"] == res["max_score"]
    assert len(res["notebook"]["cells_used"]) == 1  # examples and judge cells are left out
    code, res = judge_json("test", "causal_mask", root=root)  # no workspace/causal_mask.py: the notebook is used
    assert code == 0 and res["notebook"]["file"] == "causal_mask.ipynb"


# -- the API and the magic in a real kernel -----------------------------------------------------------------

def _execute(nb, cwd: Path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def _outputs(cell, mime: str) -> list[str]:
    return [o["data"][mime] for o in cell.outputs if o.get("output_type") in ("execute_result", "display_data")
            and mime in o.get("data", {})]


def test_magic_and_api_in_a_real_kernel_score_like_judge_submit(tmp_path):
    db = tmp_path / "history.db"
    wrong_file = tmp_path / "wrong.py"
    wrong_file.write_text(WRONG)
    nb = new_notebook(cells=[
        new_code_cell("%load_ext judge"),
        new_code_cell(f"%%judge submit causal_mask --db {db}\n{REFERENCE}"),
        new_code_cell("causal_mask(2).tolist()"),  # the magic's cell also ran in the kernel
        new_code_cell(f"import json, judge\nwrong = judge.submit('causal_mask', {WRONG!r}, db={str(db)!r})\n"
                      f"print(json.dumps(wrong.result))"),
        new_code_cell("wrong"),
        new_code_cell(f"%%judge test causal_mask\n{WRONG}"),
        new_code_cell(f"print(json.dumps(judge.test('causal_mask', {str(wrong_file)!r}).result))"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    _execute(nb, tmp_path)
    cells = nb.cells
    magic_html = _outputs(cells[1], "text/html")
    assert magic_html and "<table>" in magic_html[0] and "test_matches_definition" in magic_html[0]
    assert _outputs(cells[2], "text/plain") == ["[[True, False], [True, True]]"]
    api_wrong = json.loads("".join(o.get("text", "") for o in cells[3].outputs if o.get("name") == "stdout"))
    assert "score" in _outputs(cells[4], "text/html")[0]
    assert "failed" in _outputs(cells[5], "text/html")[0]
    api_test = json.loads("".join(o.get("text", "") for o in cells[6].outputs if o.get("name") == "stdout"))

    right_file = tmp_path / "right.py"
    right_file.write_text(REFERENCE)
    _, cli_right = judge_json("submit", "causal_mask", str(right_file), "--db", str(tmp_path / "cli.db"))
    _, cli_wrong = judge_json("submit", "causal_mask", str(wrong_file), "--db", str(tmp_path / "cli.db"))
    _, cli_test = judge_json("test", "causal_mask", str(wrong_file))
    assert cli_right["score"] == cli_right["max_score"] > 0
    assert 0 < cli_wrong["score"] < cli_wrong["max_score"]
    assert (api_wrong["score"], api_wrong["max_score"]) == (cli_wrong["score"], cli_wrong["max_score"])
    assert [t["status"] for t in api_wrong["tests"]] == [t["status"] for t in cli_wrong["tests"]]
    assert (api_test["score"], api_test["max_score"]) == (cli_test["score"], cli_test["max_score"])
    magic_score = f"score {cli_right['score']:g}/{cli_right['max_score']:g}"
    assert magic_score in magic_html[0]
    history = judge("history", "causal_mask", "--json", "--db", str(db))
    rows = json.loads(history.stdout)["submissions"]
    assert sorted(r["score"] for r in rows) == sorted([cli_right["score"], cli_wrong["score"]])


def test_report_renders_text_outside_jupyter():
    result = {"problem": "causal_mask", "status": "failed", "score": 1, "max_score": 3, "visibility": "public",
              "tests": [{"name": "test_a", "visibility": "public", "status": "failed", "score": 0,
                         "max_score": 2, "message": "wrong <dtype>"},
                        {"name": "test_b", "visibility": "public", "status": "passed", "score": 1,
                         "max_score": 1, "message": ""}]}
    report = Report(result, "test")
    assert "\x1b[" not in str(report) and "FAIL    test_a" in str(report) and "Score 1/3" in str(report)
    assert "wrong &lt;dtype&gt;" in report._repr_html_()  # messages are escaped in HTML


# -- class folders and LMS downloads ---------------------------------------------------------------------------

def test_a_class_folder_of_notebooks_grades_like_py_files(tmp_path):
    from classroom import PROBE_FLOAT, PROBE_REFERENCE, make_class, probe_root

    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": None, "ben": None, "cy": PROBE_REFERENCE, "dee": None,
                                           "eve": PROBE_REFERENCE})
    _write(subs / "ada" / "Probe.ipynb", new_markdown_cell("# Probe — Ada Lovelace, groupe A"),
           new_code_cell("%matplotlib inline\n" + PROBE_REFERENCE), new_code_cell("causal_mask(3)"))
    _write(subs / "ben" / "probe.ipynb", new_code_cell(PROBE_FLOAT))
    _write(subs / "cy" / "probe.ipynb", new_code_cell(PROBE_FLOAT))  # beside cy's probe.py: the .py is graded
    (subs / "dee" / "probe.ipynb").write_text("not json")
    before = {p: p.read_bytes() for p in subs.rglob("*.ipynb")}
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--allow-weak-sandbox", root=root)
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r["probe"] for r in __import__("csv").DictReader((out / "grades.csv").open())}
    assert rows == {"ada": "3", "ben": "0", "cy": "3", "dee": "0", "eve": "3"}
    ada = json.loads((out / "results" / "ada" / "probe.json").read_text())
    assert [c["cell"] for c in ada["notebook"]["cells_used"]] == [2] and ada["notebook"]["file"] == "Probe.ipynb"
    dee = json.loads((out / "results" / "dee" / "probe.json").read_text())
    assert dee["status"] == "error" and "not a Jupyter notebook" in dee["message"]
    assert "notebook" not in json.loads((out / "results" / "cy" / "probe.json").read_text())
    assert "cy/probe.ipynb\tignored: probe.py was taken" in (out / "ignored.txt").read_text()
    assert {p: p.read_bytes() for p in subs.rglob("*.ipynb")} == before  # the notebooks are kept as they were
    again = judge("grade", str(subs), "--out", str(out), "--allow-weak-sandbox", "-q", root=root)
    assert again.returncode == 0 and "graded 0 of 5 pairs" in again.stdout and "5 already graded" in again.stdout


def test_collect_keeps_a_notebook_as_a_notebook(tmp_path):
    """A Canvas submissions zip (names as in tests/test_collect.py: login_userid_attemptid_original, '-N' for a
    resubmission) holding notebooks: each is filed as <problem>.ipynb, byte for byte."""
    import zipfile

    from judge.grading.collect import collect

    nb = nbformat.writes(new_notebook(cells=[new_markdown_cell("Ada Lovelace, groupe A"), new_code_cell(REFERENCE)]))
    zpath = tmp_path / "submissions.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("lovelaceada_101_9001_Causal_Mask-1.ipynb", nb)
        zf.writestr("lovelaceada_101_9001_padding_mask.py", "# ada padding\n")
        zf.writestr("lovelaceada_101_9001_.ipynb_checkpoints/Causal_Mask-checkpoint.ipynb", nb)
    roster = [{"id": "ada", "name": "Ada Lovelace", "email": "ada@example.org", "canvas_id": "101"}]
    out = tmp_path / "subs"
    collect(zpath, out, ["causal_mask", "padding_mask"], roster=roster)
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("ada/*")) == [
        "ada/causal_mask.ipynb", "ada/padding_mask.py"]
    assert (out / "ada" / "causal_mask.ipynb").read_text() == nb
    assert "ada/causal_mask.ipynb <- Causal_Mask-1.ipynb" in (out / "collect_report.txt").read_text()


def test_hostile_notebooks_are_refused_or_reported_never_crash_the_judge(tmp_path, monkeypatch):
    import judge.engine.notebooks as notebooks

    deep = cells_source([(1, "x = " + "(" * 100000 + ")" * 100000), (2, "-" * 100000 + "1\n%time 3")])
    assert [c["cell"] for c in deep.used] == [1, 2]  # kept as written: the worker's file check says why
    odd = tmp_path / "odd.ipynb"  # valid JSON, invalid notebook: a cell whose source is a number
    odd.write_text(json.dumps({"cells": [{"cell_type": "code", "source": 123, "metadata": {}, "outputs": []}],
                               "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(notebooks.NotebookError, match="cell 1 is not a valid code cell"):
        notebooks.read_notebook(odd)
    v3 = tmp_path / "v3.ipynb"  # an nbformat 3 notebook (IPython 2): converted by nbformat, graded the same way
    v3.write_text(json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": "def f(n):\n    return n",
                                                         "language": "python", "outputs": []}]}],
                              "metadata": {}, "nbformat": 3, "nbformat_minor": 0}))
    assert "def f(n):" in notebooks.read_notebook(v3).source
    big = _write(tmp_path / "big.ipynb", new_code_cell("x = 1"))
    monkeypatch.setattr(notebooks, "MAX_NOTEBOOK_BYTES", 10)
    with pytest.raises(notebooks.NotebookError, match="larger than"):
        notebooks.read_notebook(big)


def test_the_magic_explains_its_usage_instead_of_raising(capsys):
    from judge.cli.magic import judge_cell

    assert judge_cell("grade causal_mask", "x = 1") is None
    assert judge_cell("test", "x = 1") is None
    assert judge_cell("test causal_mask --bogus", "x = 1") is None
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all(line.startswith("judge: usage: %%judge test|submit PROBLEM_ID") for line in out)


def test_the_gradescope_autograder_finds_a_notebook_and_prefers_a_py_beside_it(tmp_path):
    from judge.grading.autograder import find_submissions

    sub = tmp_path / "submission"
    (sub / "work").mkdir(parents=True)
    _write(sub / "causal_mask.ipynb", new_code_cell(REFERENCE))
    _write(sub / "work" / "padding_mask.ipynb", new_code_cell("x = 1"))
    (sub / "work" / "padding_mask.py").write_text("x = 1\n")
    found = find_submissions(sub, ["causal_mask", "padding_mask"])
    assert found == {"causal_mask": sub / "causal_mask.ipynb", "padding_mask": sub / "work" / "padding_mask.py"}


@pytest.mark.slow
def test_a_notebook_builds_on_an_earlier_solution_kept_as_a_notebook(tmp_path):
    """A notebook-only learner: tiny_transformer.ipynb beside the notebook. With %load_ext judge the kernel imports
    it (no tiny_transformer.py anywhere), and %%judge test pretrain_both_ways on a cell that imports it passes, the
    report naming the notebook it was built on."""
    model = (REPO / "solutions" / "tiny_transformer" / "reference.py").read_text()
    _write(tmp_path / "tiny_transformer.ipynb", new_code_cell("%matplotlib inline\n" + model),
           new_code_cell("forward"))
    training = (REPO / "solutions" / "pretrain_both_ways" / "reference.py").read_text()
    nb = new_notebook(cells=[
        new_code_cell("%load_ext judge"),
        new_code_cell(f"%%judge test pretrain_both_ways\n{training}"),
        new_code_cell("forward.__module__, sorted(train_clm.__code__.co_varnames)[:1]"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    _execute(nb, tmp_path)
    html = _outputs(nb.cells[1], "text/html")
    assert html and "built on your own tiny_transformer.ipynb" in html[0], nb.cells[1].outputs
    cli_file = write_file(tmp_path / "cli" / "pretrain_both_ways.py", training)
    code, cli = judge_json("test", "pretrain_both_ways", str(cli_file), "--imports-from", str(tmp_path))
    assert code == 0 and f"score {cli['score']:g}/{cli['max_score']:g}" in html[0] and cli["score"] > 0
    assert _outputs(nb.cells[2], "text/plain")[0].startswith("('tiny_transformer',")
