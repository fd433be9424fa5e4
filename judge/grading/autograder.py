"""What ``run_autograder`` runs in a Gradescope container: grade one student's files, write results.json.

``python -m judge.grading.autograder --root ROOT`` grades every ``<problem_id>.py`` found (at any depth) in
``ROOT/submission`` against the problems bundled in ``ROOT/source/problems`` and writes
``ROOT/results/results.json``. Something always gets written: a problem whose grading fails is reported in the
output as a judge error (never as a silent 0 for a passing student), and the exit status is then 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from judge.problems import find_root, problem_ids
from judge.sandbox import select_sandbox

from .child import Grader
from .gradescope import to_gradescope


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
    ids = problem_ids(source)
    files = find_submissions(root / "submission", ids)
    spec = select_sandbox("auto")
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
