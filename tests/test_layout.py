"""The trust boundary is a folder: what runs in the sandbox (judge/isolated/) imports nothing else of the judge,
and only that folder is bound into the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

from judge.sandbox import launch as sandbox

ISOLATED = Path(sandbox.ISOLATED_DIR)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module name imported by ``path`` (absolute names; relative imports resolved inside its package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "judge.isolated" + (f".{node.module}" if node.module else "") if node.level else node.module
            out += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return out


def test_isolated_side_imports_nothing_outside_its_folder():
    files = sorted(ISOLATED.glob("*.py"))
    assert {f.name for f in files} >= {"__init__.py", "worker.py", "wire.py", "zygote.py"}
    stray = []
    for f in files:
        for line, name in _imports(f):
            if (name == "judge" or name.startswith("judge.")) and not name.startswith("judge.isolated"):
                stray.append(f"{f.name}:{line} imports {name}")
    assert not stray, stray


def test_the_import_check_sees_a_stray_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from judge.checkers import arrays\nimport judge.engine.runner\nfrom . import wire\n")
    names = [n for _, n in _imports(bad)]
    assert "judge.checkers.arrays" in names and "judge.engine.runner" in names and "judge.isolated.wire" in names


def test_only_the_isolated_folder_is_bound_into_the_sandbox(tmp_path):
    judge_dir = str(ISOLATED.parent)
    for argv in (
        sandbox.build_launch(sandbox.SandboxSpec("bwrap"), str(tmp_path), 3, 4, "{}").argv,
        sandbox.build_zygote_launch(sandbox.SandboxSpec("bwrap"), str(tmp_path), 3).argv,
    ):
        sources = [argv[i + 1] for i, a in enumerate(argv) if a in ("--ro-bind", "--bind")]
        assert str(ISOLATED) in sources
        assert judge_dir not in sources, "the whole judge package is bound into the sandbox"
        assert not any(s.startswith(judge_dir + "/") and s != str(ISOLATED) for s in sources)


def test_only_code_that_decides_verdicts_changes_the_judge_version(tmp_path, monkeypatch):
    """Editing a CLI message or the HTML report does not regrade a class; editing the runner or a checker does."""
    import shutil

    import judge

    copy = tmp_path / "judge"
    shutil.copytree(Path(judge.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        monkeypatch.setattr(judge, "__file__", str(copy / "__init__.py"))
        monkeypatch.setattr(judge, "_JUDGE_VERSION", None)
        return judge.judge_version()

    base = version()
    for presentation in ("cli/main.py", "feedback/report.py", "grading/html_report.py"):
        (copy / presentation).write_text((copy / presentation).read_text() + "\n# a new message\n")
        assert version() == base, presentation
    for decides in ("engine/runner.py", "checkers/arrays.py", "isolated/worker.py", "grading/child.py"):
        before = version()
        (copy / decides).write_text((copy / decides).read_text() + "\n# changed\n")
        assert version() != before, decides
