"""`judge collect`: Canvas, Moodle and GitHub Classroom downloads into SUBMISSIONS/<student>/<problem>.py, with a
saved report of what matched and what did not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import judge, write_file

from judge.grading.collect import collect
from judge.grading.names import is_junk, normalize_stem

PROBLEMS = ["causal_mask", "padding_mask", "cross_entropy"]
ROSTER = (
    "id,name,email,section,canvas_id,moodle_id,github\n"
    "ada,Ada Lovelace,ada@example.org,A,101,5551,adalove\n"
    "alan,Alan Turing,alan@example.org,B,102,5552,aturing\n"
    "cy,Cy Young,cy@example.org,A,103,5553,cyoung\n"
)


def roster_rows() -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(ROSTER)))



@pytest.mark.parametrize("name, stem", [
    ("Causal_Mask.py", "causal_mask"), ("padding_mask (1).py", "padding_mask"), ("cross-entropy.py", "cross_entropy"),
    ("causal_mask-2.py", "causal_mask"), ("Causal Mask copy.py", "causal_mask"), ("t5-noise-mask.py", "t5_noise_mask"),
])
def test_names_normalize(name, stem):
    assert normalize_stem(name) == stem


def test_junk():
    for junk in ("__MACOSX/x.py", ".DS_Store", "a/.hidden.py", "causal_mask.py~", "#causal_mask.py#", "x.py.bak",
                 ".causal_mask.py.swp", "__pycache__/causal_mask.cpython-311.pyc"):
        assert is_junk(Path(junk)), junk
    assert not is_junk(Path("src/causal_mask.py"))


def test_canvas_zip(tmp_path):
    """A Canvas zip: misnamed files, the LATE mark, __MACOSX, an editor backup, a stray file, an unknown student."""
    zpath = tmp_path / "submissions.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("lovelaceada_101_9001_Causal_Mask.py", "# ada causal\n")
        zf.writestr("lovelaceada_101_9001_padding_mask (1).py", "# ada padding\n")
        zf.writestr("lovelaceada_101_9001_causal_mask.py~", "# backup\n")
        zf.writestr("turingalan_LATE_102_9002_cross-entropy.py", "# alan ce\n")
        zf.writestr("turingalan_LATE_102_9002_notes.txt", "notes\n")
        zf.writestr("hoppergrace_999_9003_causal_mask.py", "# grace\n")
        zf.writestr("__MACOSX/._lovelaceada_101_9001_Causal_Mask.py", "junk")
        zf.writestr("../escape.py", "never written outside\n")
    out = tmp_path / "subs"
    report = collect(zpath, out, PROBLEMS, roster=roster_rows())
    assert report.format == "canvas"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.py")) == [
        "ada/causal_mask.py", "ada/padding_mask.py", "alan/cross_entropy.py"]
    assert (out / "ada" / "causal_mask.py").read_text() == "# ada causal\n"
    assert not (tmp_path / "escape.py").exists()
    doc = json.loads((out / "collect.json").read_text())
    assert doc["students"]["ada"]["causal_mask"]["original"] == "Causal_Mask.py"
    assert doc["students"]["alan"]["cross_entropy"]["late_mark"] is True
    assert doc["students"]["ada"]["padding_mask"]["late_mark"] is False
    assert [u["submission"] for u in doc["unmatched_students"]] == ["hoppergrace (Canvas user 999)"]
    assert [(u["student"], u["file"]) for u in doc["unmatched_files"]] == [("alan", "notes.txt")]
    assert doc["without_submission"] == ["cy"]
    assert any("__MACOSX" in i for i in doc["ignored"]) and any(i.endswith("~") for i in doc["ignored"])
    text = (out / "collect_report.txt").read_text()
    assert "ada/causal_mask.py <- Causal_Mask.py" in text and "hoppergrace" in text and "notes.txt" in text


def test_moodle_folder_with_subfolder_and_ambiguity(tmp_path):
    dl = tmp_path / "moodle"
    write_file(dl / "Ada Lovelace_5551_assignsubmission_file_" / "causal_mask.py", "# ada\n")
    write_file(dl / "Ada Lovelace_5551_assignsubmission_file_" / "src" / "Padding-Mask.py", "# ada pm\n")
    write_file(dl / "Ada Lovelace_5551_assignsubmission_file_" / "a" / "b" / "cross_entropy.py", "# too deep\n")
    write_file(dl / "Ada Lovelace_5551_assignsubmission_file_" / ".DS_Store", "junk")
    write_file(dl / "Alan Turing_5552_assignsubmission_file_" / "Causal_Mask.py", "# one\n")
    write_file(dl / "Alan Turing_5552_assignsubmission_file_" / "causal-mask.py", "# two\n")
    write_file(dl / "Alan Turing_5552_assignsubmission_file_" / "padding_mask.py", "# alan pm\n")
    write_file(dl / "Grace Hopper_5559_assignsubmission_file_" / "causal_mask.py", "# grace\n")
    out = tmp_path / "subs"
    report = collect(dl, out, PROBLEMS, roster=roster_rows())
    assert report.format == "moodle"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.py")) == [
        "ada/causal_mask.py", "ada/padding_mask.py", "alan/padding_mask.py"]
    doc = json.loads((out / "collect.json").read_text())
    assert doc["students"]["ada"]["padding_mask"]["original"] == "src/Padding-Mask.py"
    why = {(u["student"], u["file"]): u["why"] for u in doc["unmatched_files"]}
    assert why[("alan", "Causal_Mask.py")].startswith("ambiguous") and ("alan", "causal-mask.py") in why
    assert "too deep" in why[("ada", "a/b/cross_entropy.py")]
    assert [u["submission"] for u in doc["unmatched_students"]] == ["Grace Hopper (Moodle participant 5559)"]
    assert ".DS_Store" in " ".join(doc["ignored"])


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_github_classroom_repos_with_commit_times(tmp_path):
    base = tmp_path / "classroom"
    env = dict(os.environ, GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@x", GIT_COMMITTER_NAME="s",
               GIT_COMMITTER_EMAIL="s@x", GIT_COMMITTER_DATE="2027-02-14T22:00:00+01:00",
               GIT_AUTHOR_DATE="2027-02-14T22:00:00+01:00")
    for repo, files in {"masks-adalove": {"causal_mask.py": "# ada\n", "README.md": "hi\n"},
                        "masks-aturing": {"solutions/padding_mask.py": "# alan\n"},
                        "masks-ghopper": {"causal_mask.py": "# grace\n"}}.items():
        for name, text in files.items():
            write_file(base / repo / name, text)
        subprocess.run(["git", "init", "-q", str(base / repo)], check=True, env=env)
        subprocess.run(["git", "-C", str(base / repo), "add", "."], check=True, env=env)
        subprocess.run(["git", "-C", str(base / repo), "commit", "-qm", "x"], check=True, env=env)
    out = tmp_path / "subs"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    proc = judge("collect", str(base), str(out), "--roster", str(roster), "--problems", ",".join(PROBLEMS))
    assert proc.returncode == 0, proc.stderr
    assert "collected 2 file(s) of 2 student(s) from a github download" in proc.stdout
    doc = json.loads((out / "collect.json").read_text())
    # a commit date is the student's clock: recorded, never a submission time unless the instructor says so
    assert doc["students"]["ada"]["causal_mask"]["submitted_at"] is None
    assert doc["students"]["ada"]["causal_mask"]["commit_time"] == "2027-02-14T22:00:00+01:00"
    assert "student's clock" in doc["students"]["ada"]["causal_mask"]["time_source"]
    assert doc["students"]["alan"]["padding_mask"]["original"] == "solutions/padding_mask.py"
    assert [u["submission"] for u in doc["unmatched_students"]] == ["masks-ghopper (repository)"]
    assert ("ada", "README.md") in {(u["student"], u["file"]) for u in doc["unmatched_files"]}
    assert not any(".git" in p.parts for p in out.rglob("*"))


def test_collect_errors_are_one_line_exit_2(tmp_path):
    (tmp_path / "dl").mkdir()
    (tmp_path / "dl" / "whatever.txt").write_text("x")
    for args in (("collect", str(tmp_path / "none"), str(tmp_path / "o1")),
                 ("collect", str(tmp_path / "dl"), str(tmp_path / "o2"))):
        proc = judge(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
