"""Helpers of the instructor-workflow tests: a copy of the probe root and synthetic class folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import FIXTURE_ROOT, REPO, SUBMISSIONS

PROBE_REFERENCE = (REPO / "solutions" / "causal_mask" / "reference.py").read_text()
PROBE_FLOAT = (REPO / "solutions" / "causal_mask" / "mutants" / "float_dtype.py").read_text()
PROBE_STARTER = (FIXTURE_ROOT / "problems" / "probe" / "starter.py").read_text()
CRASH_AT_IMPORT = "import os\nos._exit(3)\n"
FORBIDDEN = (SUBMISSIONS / "causal_mask" / "import_scipy_dynamic.py").read_text() if \
    (SUBMISSIONS / "causal_mask" / "import_scipy_dynamic.py").exists() else "import scipy\n"
LOOP_AT_CALL = "def causal_mask(seq_len):\n    while True:\n        pass\n"

# student -> probe.py source (None: no file)
PROBE_CLASS = {
    "ada": PROBE_REFERENCE,
    "ben": PROBE_FLOAT,
    "cy": PROBE_STARTER,
    "dee": None,
    "eve": CRASH_AT_IMPORT,
    "fay": PROBE_REFERENCE,
    "gus": "import scipy\n\ndef causal_mask(seq_len):\n    return None\n",
    "hal": PROBE_FLOAT,
}


def probe_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def add_broken_problem(root: Path) -> None:
    """A copy of probe whose hidden test file cannot even be imported: a failure of the judge, not a student's."""
    src, dst = root / "problems" / "probe", root / "problems" / "broken"
    shutil.copytree(src, dst)
    toml = dst / "problem.toml"
    toml.write_text(toml.read_text().replace('id = "probe"', 'id = "broken"').replace("order = 1", "order = 2"))
    (dst / "tests_hidden.py").write_text("raise RuntimeError('this test file is broken')\n")


def make_class(folder: Path, students: dict[str, str | None], problem: str = "probe") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for student, source in students.items():
        (folder / student).mkdir(exist_ok=True)
        if source is not None:
            (folder / student / f"{problem}.py").write_text(source)
    return folder


def readable_tmpdir(tmp_path_factory, name: str) -> Path:
    """A fresh folder every user can traverse. pytest's own tmp folders are private (0700), and a sandbox tier
    that runs the worker under an unprivileged uid cannot reach a judge package installed inside one (a release,
    an unpacked Gradescope bundle)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix=f"judge-{name}-"))
    base.chmod(0o755)
    _made.append(base)
    return base


_made: list[Path] = []


def remove_readable_tmpdirs() -> None:
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)


def run_autograder(bundle: Path, root: Path, files: dict[str, Path]) -> tuple[subprocess.CompletedProcess, dict]:
    """Unpack the Gradescope ``bundle`` into ``root`` (source/, submission/ holding ``files``), run its
    run_autograder as Gradescope does, and return the process and results.json."""
    (root / "source").mkdir(parents=True)
    for d in (root, root / "source"):
        d.chmod(0o755)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():  # zipfile does not restore permissions
            mode = info.external_attr >> 16
            if mode & 0o111:
                os.chmod(root / "source" / info.filename, 0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    for name, src in files.items():
        shutil.copyfile(src, root / "submission" / name)
    env = {k: v for k, v in os.environ.items() if k not in ("JUDGE_ROOT", "PYTHONPATH")}
    env.update(JUDGE_AUTOGRADER_ROOT=str(root), JUDGE_PYTHON=sys.executable)
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    return proc, json.loads((root / "results" / "results.json").read_text())
