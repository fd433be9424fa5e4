"""`judge release`: the student distribution holds no hidden test, reference or mutant text, and its
`judge submit` never claims a full pass while hidden tests exist."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from classroom import PROBE_REFERENCE, probe_root, readable_tmpdir, remove_readable_tmpdirs
from helpers import REPO, judge

from judge.engine.problems import problem_ids

RELEASED = ["causal_mask", "padding_mask"]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = readable_tmpdir(tmp_path_factory, "release") / "release"
    proc = judge("release", str(out), "--problems", ",".join(RELEASED))
    assert proc.returncode == 0, proc.stderr
    assert "leak scan clean" in proc.stdout
    yield out
    remove_readable_tmpdirs()


def _distinctive(root: Path) -> dict[str, set[str]]:
    """Per secret file: hidden test names, and lines of hidden tests, references and mutants that appear in no
    public file of the repository (the judge, starters, public tests, statements)."""
    public = set()
    for f in [*REPO.joinpath("judge").rglob("*.py"), *REPO.joinpath("problems").rglob("*")]:
        if f.is_file() and f.name != "tests_hidden.py":
            public |= {line.strip() for line in f.read_text(errors="replace").splitlines()}
    joined = "\n".join(public)
    secrets: dict[str, set[str]] = {}
    for pid in problem_ids(root):
        files = [root / "problems" / pid / "tests_hidden.py", *sorted((root / "solutions" / pid).rglob("*.py"))]
        for f in files:
            if not f.is_file():
                continue
            text = f.read_text()
            marks = {line.strip() for line in text.splitlines()
                     if len(line.strip()) >= 30 and line.strip() not in public}
            marks |= {m for m in re.findall(r"def (test_\w+)", text) if f"def {m}(" not in joined}
            if marks:
                secrets[str(f.relative_to(root))] = marks
    return secrets


def test_release_layout(release):
    """The judge, README, Makefile, statements, starters, public tests; nothing else of the problems."""
    assert (release / "judge" / "cli" / "main.py").is_file() and (release / "README.md").is_file()
    assert (release / "Makefile").is_file() and (release / "pyproject.toml").is_file()
    assert sorted(p.name for p in (release / "problems").iterdir() if p.is_dir()) == RELEASED
    for pid in RELEASED:
        names = sorted(p.name for p in (release / "problems" / pid).iterdir())
        assert names == ["README.md", "problem.toml", "starter.py", "tests_public.py"]
    assert not list(release.rglob("tests_hidden.py")) and not list(release.rglob("reference.py"))
    assert not [p for p in release.rglob("*") if p.name in ("solutions", "mutants")]
    marker = json.loads((release / ".judge-release.json").read_text())
    assert marker["problems"]["causal_mask"]["tests"] > 0


@pytest.mark.slow
def test_release_contains_no_hidden_or_solution_text(release):
    """Search every file of the release for distinctive strings of every hidden test, reference and mutant."""
    secrets = _distinctive(REPO)
    assert len(secrets) >= 3 * len(RELEASED)
    texts = {f: f.read_text(errors="replace") for f in release.rglob("*") if f.is_file()}
    for secret, marks in secrets.items():
        for f, text in texts.items():
            found = [m for m in marks if (re.search(rf"\b{m}\b", text) if m.startswith("test_") else m in text)]
            assert not found, f"{f.relative_to(release)} holds text of {secret}: {found[:3]}"


@pytest.mark.slow
def test_submit_in_a_release_never_claims_a_full_pass(release, tmp_path):
    """judge submit in the release runs the public tests, records the attempt, and says hidden tests run at
    grading; it never prints 'all tests passed'."""
    ref = tmp_path / "causal_mask.py"
    shutil.copyfile(REPO / "solutions" / "causal_mask" / "reference.py", ref)
    db = tmp_path / "h.db"
    proc = judge("submit", "causal_mask", str(ref), "--db", str(db), root=release, cwd=release)
    assert proc.returncode == 0, proc.stderr
    assert "all tests passed" not in proc.stdout
    assert "all public tests passed; the hidden tests run when your instructor grades" in proc.stdout
    assert "Hidden tests" in proc.stdout and "not part of this release" in proc.stdout
    assert "they run when your instructor grades" in proc.stdout
    proc = judge("submit", "causal_mask", str(ref), "--db", str(db), "--json", root=release, cwd=release)
    assert json.loads(proc.stdout)["visibility"] == "public"
    history = judge("history", "--db", str(db), "--json", root=release, cwd=release)
    assert len(json.loads(history.stdout)["submissions"]) == 2


def test_release_with_a_leak_fails_and_is_deleted(tmp_path):
    """A statement that quotes a hidden test: the scan finds it, the release is deleted, exit 1."""
    root = probe_root(tmp_path)
    hidden = (root / "problems" / "probe" / "tests_hidden.py").read_text()
    line = next(x for x in hidden.splitlines() if "sol.causal_mask(5)" in x)
    with (root / "problems" / "probe" / "README.md").open("a") as fh:
        fh.write(f"\n```\n{line}\n```\n")
    out = tmp_path / "release"
    proc = judge("release", str(out), root=root)
    assert proc.returncode == 1 and "leaked" in proc.stderr and "README.md" in proc.stderr
    assert not out.exists()


def test_release_refuses_a_non_empty_folder(tmp_path):
    root = probe_root(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    proc = judge("release", str(tmp_path / "full"), root=root)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_release_of_the_probe_root_submits(tmp_path, tmp_path_factory):
    """A release made from another root (JUDGE_ROOT) works the same way."""
    root = probe_root(tmp_path)
    out = readable_tmpdir(tmp_path_factory, "release") / "release"
    proc = judge("release", str(out), root=root)
    remove_readable_tmpdirs_later = out.parent
    assert proc.returncode == 0, proc.stderr
    sol = tmp_path / "probe.py"
    sol.write_text(PROBE_REFERENCE)
    proc = judge("submit", "probe", str(sol), "--db", str(tmp_path / "h.db"), root=out, cwd=out)
    assert proc.returncode == 0 and "all tests passed" not in proc.stdout
    assert "Hidden tests (1 tests, 2 points)" in proc.stdout
    shutil.rmtree(remove_readable_tmpdirs_later)


@pytest.mark.slow
def test_student_readme_and_makefile_hold_only_what_works_in_the_release(release, tmp_path):
    """The release's README and Makefile are the student's: no instructor or author commands, and every judge
    command the README shows, and `make demo`, run in the release."""
    import subprocess
    import sys

    readme = (release / "README.md").read_text()
    for word in ("make test", "judge grade", "judge validate", "AUTHORING", "make bench", "judge release",
                 "solutions/", "sandbox"):
        assert word not in readme, word
    assert ". .venv/bin/activate" in readme and "make install" in readme
    commands = [line.split("#")[0].strip() for block in re.findall(r"```sh\n(.*?)```", readme, re.S)
                for line in block.splitlines() if line.startswith("judge ")]
    commands += re.findall(r"`(judge (?:next|history|hint causal_mask))`", readme)
    assert len(commands) >= 6
    db = str(tmp_path / "h.db")
    for command in commands:
        args = command.split()[1:]
        if args[0] in ("list", "submit", "history", "next", "hint"):
            args += ["--db", db]
        proc = judge(*args, root=release, cwd=release)
        assert proc.returncode in (0, 1) and not proc.stderr, (command, proc.stderr)
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(["make", "-s", "demo", f"BIN={bin_dir}", "STAMP=Makefile"], cwd=release,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "MEANT TO FAIL" in proc.stdout and "(that failure was expected)" in proc.stdout
    assert ". .venv/bin/activate" in proc.stdout and "Error" not in proc.stderr


def test_released_curriculum_lists_only_released_problems(release):
    text = (release / "problems" / "README.md").read_text()
    listed = re.findall(r"^- \[(\w+)\]\(\1/\)", text, re.M)
    assert listed == RELEASED
    links = set(re.findall(r"\[(\w+)\]\(\1/\)", text))
    assert links <= set(RELEASED), links - set(RELEASED)
    assert "### 1. Attention masks" in text and "### 2. Attention" not in text
    assert "runs public and\nhidden tests" not in text
