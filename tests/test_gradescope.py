"""`judge export gradescope`: the bundle, unpacked into a temporary autograder root, grades a reference and a
mutant, and its results.json validates against the Gradescope schema kept in judge/schemas/."""

from __future__ import annotations

import os
import stat
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest
from classroom import readable_tmpdir, remove_readable_tmpdirs, run_autograder
from helpers import REPO, judge

from judge.engine.problems import load_schema
from judge.grading.gradescope import to_gradescope

SCHEMA = load_schema("gradescope_results.schema.json")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("gs") / "autograder.zip"
    proc = judge("export", "gradescope", str(out), "--problems", "causal_mask")
    assert proc.returncode == 0, proc.stderr
    yield out
    remove_readable_tmpdirs()


@pytest.fixture
def ag_root(tmp_path_factory) -> Path:
    """An autograder root every user can traverse (the sandbox may run the worker under another uid)."""
    return readable_tmpdir(tmp_path_factory, "autograder")


def test_bundle_layout(bundle):
    """setup.sh and run_autograder at the top (executable), the judge and the problem with its hidden tests,
    no solutions."""
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        text = b"".join(zf.read(n) for n in names)
    assert "setup.sh" in names and "run_autograder" in names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert "judge/grading/autograder.py" in names and "pyproject.toml" in names
    assert "problems/causal_mask/tests_hidden.py" in names
    assert not any(n.startswith("solutions/") for n in names)
    ref = (REPO / "solutions" / "causal_mask" / "reference.py").read_bytes()
    assert ref not in text
    assert subprocess.run(["bash", "-n", "-c", zipfile.ZipFile(bundle).read("setup.sh").decode()]).returncode == 0


@pytest.mark.slow
def test_run_autograder_on_reference_and_mutant(bundle, ag_root):
    """Unpacked into a temporary root: the reference scores full marks, a mutant less; both results.json
    validate, hidden tests are hidden, the judge that ran is the bundled one."""
    proc, ref = run_autograder(bundle, ag_root / "a", {
        "causal_mask.py": REPO / "solutions" / "causal_mask" / "reference.py"})
    assert proc.returncode == 0, proc.stderr
    assert f"from {ag_root / 'a' / 'source' / 'judge'}" in proc.stdout
    jsonschema.validate(ref, SCHEMA)
    assert ref["score"] == sum(t["max_score"] for t in ref["tests"]) > 0
    assert all(t["status"] == "passed" for t in ref["tests"])
    assert {t["visibility"] for t in ref["tests"]} == {"visible", "hidden"}
    proc, mut = run_autograder(bundle, ag_root / "b", {
        "causal_mask.py": REPO / "solutions" / "causal_mask" / "mutants" / "diagonal_excluded.py"})
    assert proc.returncode == 0, proc.stderr
    jsonschema.validate(mut, SCHEMA)
    assert 0 <= mut["score"] < ref["score"]
    assert any(t["status"] == "failed" for t in mut["tests"])


def test_run_autograder_with_no_file(bundle, ag_root):
    """A submission without causal_mask.py: results.json is still written, score 0, every test failed."""
    proc, doc = run_autograder(bundle, ag_root / "c", {"notes.py": REPO / "problems" / "causal_mask" / "starter.py"})
    assert proc.returncode == 0, proc.stderr
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0 and doc["tests"] and "no file named" in doc["output"]


def test_schema_rejects_malformed_results():
    jsonschema.validate({"score": 1.0}, SCHEMA)
    for bad in ({}, {"tests": [{"name": "x"}]}, {"score": 1, "tests": [{"status": "ok"}]},
                {"score": 1, "visibility": "sometimes"}, {"score": "1"}, {"score": 1, "typo": 2}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


def test_to_gradescope_keeps_scores_and_visibility():
    result = {"problem": "p", "status": "failed", "score": 1.0, "max_score": 3.0, "tests": [
        {"name": "a", "visibility": "public", "status": "passed", "score": 1.0, "max_score": 1.0, "message": ""},
        {"name": "b", "visibility": "hidden", "status": "timeout", "score": 0.0, "max_score": 2.0,
         "message": "time limit exceeded"}]}
    doc = to_gradescope([result], judge_errors=["q"])
    assert doc["score"] == 1.0 and [t["visibility"] for t in doc["tests"]] == ["visible", "hidden"]
    assert doc["tests"][1]["status"] == "failed" and "timeout" in doc["tests"][1]["output"]
    assert "q: not graded" in doc["output"]


HANGS = "def {name}(*args, **kwargs):\n    while True:\n        pass\n"


@pytest.mark.slow
def test_the_overall_deadline_leaves_a_valid_results_json(tmp_path_factory, tmp_path):
    """A submission that hangs in every problem, under an overall deadline too short for all of them: results.json
    is valid, graded problems keep their verdicts, the rest are marked timeout with an honest message."""
    problems = ["causal_mask", "padding_mask", "cross_entropy"]
    out = tmp_path_factory.mktemp("gs-deadline") / "autograder.zip"
    proc = judge("export", "gradescope", str(out), "--problems", ",".join(problems), "--deadline", "30")
    assert proc.returncode == 0, proc.stderr
    files = {}
    for pid in problems:
        (tmp_path / f"{pid}.py").write_text(HANGS.format(name=pid))
        files[f"{pid}.py"] = tmp_path / f"{pid}.py"
    root = readable_tmpdir(tmp_path_factory, "autograder-deadline")
    os.environ["JUDGE_AUTOGRADER_DEADLINE_S"] = "2"  # stop after ~1 s: within the first problem
    try:
        proc, doc = run_autograder(out, root, files)
    finally:
        del os.environ["JUDGE_AUTOGRADER_DEADLINE_S"]
    jsonschema.validate(doc, SCHEMA)
    assert doc["score"] == 0
    late = [t for t in doc["tests"] if "overall deadline of 2 s" in t["output"]]
    assert late and all(t["output"].startswith("timeout: not run:") for t in late)
    assert {t["tags"][0] for t in late} >= {"cross_entropy"}  # the last problem never started
    assert "overall deadline (2 s) came before" in doc["output"]
    assert len(doc["tests"]) > 60  # every problem's tests are listed, graded or not
