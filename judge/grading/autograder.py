"""What ``run_autograder`` runs in a Gradescope container: grade one student's files, write results.json.

``python -m judge.grading.autograder --root ROOT`` grades every ``<problem_id>.py`` found (at any depth) in
``ROOT/submission`` against the problems bundled in ``ROOT/source/problems`` and writes
``ROOT/results/results.json``. Something always gets written: a problem whose grading fails is reported in the
output as a judge error (never as a silent 0 for a passing student), and the exit status is then 3.

Sandbox: the strongest tier that runs (``bwrap``; in a Docker container where bubblewrap cannot start, the
``container`` tier, since Gradescope runs the autograder as root). Before any submission runs under the
``container`` tier, everything in ROOT but the virtual environment (the bundle with its hidden tests, the results
folder, Gradescope's submission metadata) and the judge's own files are made unreadable to other users, which the
worker's uid is. The weak ``process`` tier, which would let a submission read the hidden tests and rewrite
results.json, is refused unless the bundle was exported with ``--allow-weak-sandbox`` (``autograder.json`` in the
bundle) or ``JUDGE_ALLOW_WEAK_SANDBOX=1`` is set: results.json then says the autograder is misconfigured, with
score 0 and no test run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from judge.problems import find_root, problem_ids
from judge.sandbox import SandboxSpec, select_sandbox

from .child import Grader
from .gradescope import CONFIG_NAME, to_gradescope

ALLOW_WEAK_ENV = "JUDGE_ALLOW_WEAK_SANDBOX"
MISCONFIGURED = (
    "The autograder is misconfigured: no test was run and this score of 0 is not a grade. Only the weak 'process' "
    "sandbox tier can run in this image (bubblewrap cannot start and the autograder does not run as root), and a "
    "submission graded there could read the hidden tests and rewrite its own score. Your instructor must fix the "
    "autograder (install bubblewrap, or run it as root) and regrade; or export the bundle with "
    "--allow-weak-sandbox to accept the risk."
)


def weak_sandbox_allowed(source: Path) -> bool:
    """Whether the bundle (``autograder.json``, written by ``judge export gradescope --allow-weak-sandbox``) or
    the environment (``JUDGE_ALLOW_WEAK_SANDBOX=1``) accepts grading on the ``process`` tier."""
    if os.environ.get(ALLOW_WEAK_ENV, "") not in ("", "0"):
        return True
    try:
        config = json.loads((source / CONFIG_NAME).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and config.get("allow_weak_sandbox") is True


def lock_down(root: Path, source: Path) -> list[str]:
    """Container tier: take other users' access away from everything under ``root`` except the virtual
    environment (the worker's interpreter and NumPy), and from the judge's own folders; ``root`` itself stays
    traversable but not listable."""
    from judge.container import judge_folders, lock_folders

    keep = {(root / "venv").resolve(), Path(sys.prefix).resolve()}
    inside = [p for p in root.iterdir() if p.resolve() not in keep]
    changed = lock_folders([*inside, *judge_folders(source)])
    mode = root.stat().st_mode & 0o777
    if mode & 0o006:
        os.chmod(root, mode & ~0o006)
        changed.append(str(root))
    return changed


def write_misconfigured(results_path: Path, tier: str) -> None:
    doc = to_gradescope([], extra_output=MISCONFIGURED + f" (sandbox tier: {tier})")
    results_path.write_text(json.dumps(doc, indent=2) + "\n")


def find_submissions(folder: Path, ids: list[str]) -> dict[str, Path]:
    """problem id -> the submitted file (the shallowest match wins, then the first in sorted order)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    candidates = sorted(folder.rglob("*.py"), key=lambda p: (len(p.parts), str(p)))
    for f in candidates:
        if f.stem in ids and f.stem not in found and "__pycache__" not in f.parts:
            found[f.stem] = f
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=os.environ.get("JUDGE_AUTOGRADER_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    root = Path(args.root)
    started = time.monotonic()
    results_path = root / "results" / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    source = find_root(root / "source")
    spec: SandboxSpec = select_sandbox("auto")
    if spec.tier == "process" and not weak_sandbox_allowed(source):
        write_misconfigured(results_path, spec.tier)
        print(f"wrote {results_path}: the autograder is misconfigured (only the 'process' sandbox tier runs here; "
              f"set {ALLOW_WEAK_ENV}=1 or export with --allow-weak-sandbox to accept it); no test was run",
              file=sys.stderr)
        return 3
    ids = problem_ids(source)
    files = find_submissions(root / "submission", ids)
    if spec.tier == "container":
        locked = lock_down(root, source)
        print(f"container sandbox tier: took other users' access away from {len(locked)} path(s)", file=sys.stderr)
    grader = Grader(source)
    results, errors = [], []
    try:
        for pid in ids:
            path = files.get(pid)
            try:
                result = grader.grade_one(pid, str(path) if path else None, spec.tier)
            except Exception as exc:  # the judge failed on this problem: reported, never a silent 0
                print(f"judge error on {pid}: {type(exc).__name__}: {exc}", file=sys.stderr)
                errors.append(pid)
                continue
            if any(t["status"] == "judge_error" for t in result["tests"]):
                errors.append(pid)
            results.append(result)
    finally:
        grader.close()
    extra = f"graded under the '{spec.tier}' sandbox tier"
    if not files:
        extra += f"; no file named <problem_id>.py was found in your submission (expected one of: {', '.join(ids)})"
    doc = to_gradescope(results, judge_errors=[p for p in errors if p not in {r["problem"] for r in results}],
                        execution_time=time.monotonic() - started, extra_output=extra)
    results_path.write_text(json.dumps(doc, indent=2) + "\n")
    import judge

    print(f"wrote {results_path}: score {doc['score']:g}; {len(files)} file(s) graded; judge errors: "
          f"{', '.join(errors) or 'none'}; judge {judge.__version__} from {Path(judge.__file__).parent}")
    return 3 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
