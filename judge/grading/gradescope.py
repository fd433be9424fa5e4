"""Gradescope: its results.json format, built from judge results, and the autograder bundle.

``judge export gradescope OUT.zip`` writes a zip holding ``setup.sh`` and ``run_autograder`` at its top level
(what Gradescope runs), next to the judge's source (``pyproject.toml``, ``judge/``) and the problems to grade
(statements, starters, public and hidden tests; never solutions). Gradescope unpacks it into
``/autograder/source``; ``run_autograder`` grades every ``<problem_id>.py`` in ``/autograder/submission`` and
writes ``/autograder/results/results.json``. ``JUDGE_AUTOGRADER_ROOT`` replaces ``/autograder`` (tests, local
dry runs); ``JUDGE_PYTHON`` picks the interpreter that has the judge installed.

Sandbox: ``setup.sh`` installs bubblewrap where the image allows it; where it cannot start, the autograder (root
in Gradescope's containers) runs each worker under the ``container`` tier (see :mod:`judge.grading.autograder`).
The ``process`` tier is refused unless the bundle carries ``autograder.json`` with ``allow_weak_sandbox``
(``--allow-weak-sandbox`` at export time).
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

from judge.engine.problems import validator
from judge.engine.verdicts import ResultStatus, Verdict
from judge.feedback.messages import collapse
from judge.feedback.report import builds_on_line

from .inert_text import visible

SCHEMA = "gradescope_results.schema.json"
ROOT_ENV = "JUDGE_AUTOGRADER_ROOT"
CONFIG_NAME = "autograder.json"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image: install Python and the judge.
set -euo pipefail
ROOT="${JUDGE_AUTOGRADER_ROOT:-/autograder}"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q python3 python3-venv python3-pip
fi
if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -q bubblewrap || true   # the strongest sandbox tier, where the image allows it
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$ROOT/source"
"$ROOT/venv/bin/python" -c "import judge; print('judge', judge.__version__, 'installed')"
# Where bubblewrap cannot start, each submission runs under an unprivileged uid (the container tier): it must
# reach the interpreter and NumPy, and nothing else of $ROOT (run_autograder locks the rest before grading).
chmod o+x "$ROOT"
chmod -R o+rX "$ROOT/venv"
"$ROOT/venv/bin/python" -m judge.sandbox --setup
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade each <problem_id>.py found in the submission folder and
# write results/results.json in Gradescope's format (always, even when something goes wrong).
set -uo pipefail
ROOT="${JUDGE_AUTOGRADER_ROOT:-/autograder}"
PY="${JUDGE_PYTHON:-$ROOT/venv/bin/python}"
if [ ! -x "$PY" ]; then PY="$(command -v python3)"; fi
mkdir -p "$ROOT/results"
cd "$ROOT/source"
JUDGE_ROOT="$ROOT/source" PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}" \\
    "$PY" -m judge.grading.autograder --root "$ROOT"
"""


def validate_gradescope(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if ``doc`` does not follow Gradescope's results format."""
    validator(SCHEMA).validate(doc)


def to_gradescope(results: list[dict[str, Any]], *, judge_errors: list[str] = (), execution_time: float | None = None,
                  extra_output: str = "") -> dict[str, Any]:
    """Gradescope's results.json for one student: a test per judge test, named ``problem: test``; public tests
    are ``visible``, hidden tests ``hidden`` (their output already follows the problem's feedback policy)."""
    tests: list[dict[str, Any]] = []
    summary = []
    total = 0.0
    for i, result in enumerate(results, start=1):
        total += result["score"]
        line = f"{result['problem']}: {result['score']:g}/{result['max_score']:g} ({result['status']})"
        if result["status"] in (ResultStatus.ERROR, ResultStatus.MISSING) and result.get("message"):
            line += f": {result['message']}"
        if result.get("builds_on"):
            line += f"; {visible(builds_on_line(result))}"
        summary.append(line)
        repeats = {id(x): shown for shown in collapse(result["tests"]) for x in shown.same}
        firsts = {id(shown.test): shown for shown in collapse(result["tests"]) if shown.same}
        for j, t in enumerate(result["tests"], start=1):
            output = t["status"] if t["status"] == Verdict.PASSED else f"{t['status']}: {t['message']}".strip()
            if id(t) in firsts:  # an identical message said once, with the count of tests it applies to
                output += f"\n({firsts[id(t)].note})"
            elif id(t) in repeats:
                output = f"{t['status']}: same as {repeats[id(t)].test['name']}"
            tests.append({
                "name": f"{result['problem']}: {t['name']}",
                "number": f"{i}.{j}",
                "score": t["score"],
                "max_score": t["max_score"],
                "status": "passed" if t["status"] == Verdict.PASSED else "failed",  # Gradescope's own two words
                "visibility": "visible" if t["visibility"] == "public" else "hidden",
                "output": output,
                "tags": [result["problem"], t["visibility"]],
            })
    for p in judge_errors:
        summary.append(f"{p}: not graded: the judge itself failed (not your fault); your instructor will regrade it")
    if extra_output:
        summary.append(extra_output)
    doc: dict[str, Any] = {
        "score": round(total, 6),
        "output": "\n".join(summary),
        "output_format": "simple_format",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if execution_time is not None:
        doc["execution_time"] = round(execution_time, 3)
    validate_gradescope(doc)
    return doc


def _add_file(zf: zipfile.ZipFile, arcname: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


DEFAULT_DEADLINE_S = 480.0  # comfortably under Gradescope's default limit of 10 minutes per submission


def build_bundle(root: Path, problem_ids: list[str], out: Path, *, allow_weak_sandbox: bool = False,
                 deadline_s: float = DEFAULT_DEADLINE_S) -> list[str]:
    """Write the autograder zip; returns the names it holds. Deterministic (fixed timestamps, sorted).
    ``allow_weak_sandbox`` lets the autograder grade on the ``process`` tier (a submission could then read the
    hidden tests and rewrite results.json); ``deadline_s`` is the autograder's own overall deadline (it always
    writes a valid results.json before it, unfinished problems marked ``timeout``)."""
    from judge.engine.problems import GRADING_FILES, load_problem, package_files

    package = Path(__file__).resolve().parent.parent
    members: dict[str, tuple[bytes, bool]] = {
        "setup.sh": (SETUP_SH.encode(), True),
        "run_autograder": (RUN_AUTOGRADER.encode(), True),
    }
    config = {"allow_weak_sandbox": True} if allow_weak_sandbox else {}
    if deadline_s != DEFAULT_DEADLINE_S:
        config["deadline_s"] = deadline_s
    if config:
        members[CONFIG_NAME] = (json.dumps(config).encode() + b"\n", False)
    pyproject = package.parent / "pyproject.toml"
    if pyproject.is_file():
        members["pyproject.toml"] = (pyproject.read_bytes(), False)
    readme = package.parent / "README.md"
    if readme.is_file():
        members["README.md"] = (readme.read_bytes(), False)
    for f, rel in package_files():
        members[f"judge/{rel}"] = (f.read_bytes(), False)
    members["problems/tracks.toml"] = ((root / "problems" / "tracks.toml").read_bytes(), False)
    for pid in problem_ids:
        problem = load_problem(root, pid)
        for name in GRADING_FILES:
            f = problem.path / name
            if f.is_file():
                members[f"problems/{pid}/{name}"] = (f.read_bytes(), False)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members):
            data, executable = members[name]
            _add_file(zf, name, data, executable)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return sorted(members)
