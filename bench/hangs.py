"""What a hanging submission costs (issue 13), reported as figures and ratios (never asserted).

1. Worst case for a learner: `judge submit` of a file that hangs in every call (a busy loop; a `time.sleep`; a
   blocking read), for three problems with many tests. Target: at most 10 s per problem on a 2-core machine.
   (The real allow-lists forbid `time` and `os`, so those two run against a copy of the problems that allows them.)
2. Partial credit: every reference made 5x slower (each call runs the reference's own work five times) scores
   full marks on every problem.
3. Grading: the synthetic class of bench/grade.py, and the same class with 5% of its pairs hanging inside the
   call instead of passing; throughput with hangs against without. Target: at least 70%.
4. Gradescope dry run: one submission that hangs in all problems, through the exported bundle's run_autograder.
   Target: it ends before the bundle's overall deadline (480 s) with a valid results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from tomllib import loads as load_toml
except ModuleNotFoundError:  # Python 3.10
    from tomli import loads as load_toml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grade as grade_bench  # noqa: E402 - bench/grade.py: the synthetic class and how it is graded

REPO = Path(__file__).resolve().parent.parent
MANY_TESTS = ["cross_entropy", "bert_original_masking", "padding_mask"]
HANGS = {
    "busy loop": "def {name}(*args, **kwargs):\n    while True:\n        pass\n",
    "time.sleep": "import time\n\ndef {name}(*args, **kwargs):\n    time.sleep(3600)\n",
    "blocking read": ("import os\n\ndef {name}(*args, **kwargs):\n    read_end, _ = os.pipe()\n"
                      "    os.read(read_end, 1)\n"),
}
SLOWER = '''

import numpy as _np


def _copy(value):
    if isinstance(value, _np.random.Generator):
        bits = type(value.bit_generator)()
        bits.state = value.bit_generator.state
        return _np.random.Generator(bits)
    return value


_outer = [True]  # only the learner-facing call repeats: a capstone function calling another is 5x, not 25x


def _five_times(function):
    def slow(*args, **kwargs):
        if not _outer[0]:
            return function(*args, **kwargs)
        _outer[0] = False
        try:
            for _ in range(4):  # the same work on copies of any generator, so the real call's draws are unchanged
                function(*[_copy(a) for a in args], **{{k: _copy(v) for k, v in kwargs.items()}})
            return function(*args, **kwargs)
        finally:
            _outer[0] = True
    return slow

'''


def entry_points(problem: str) -> list[str]:
    return load_toml((REPO / "problems" / problem / "problem.toml").read_text())["entry_points"]


def submit(root: Path, problem: str, path: Path, db: Path) -> tuple[float, dict]:
    env = dict(os.environ, JUDGE_ROOT=str(root))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "judge", "submit", problem, str(path), "--json", "--db", str(db)],
                          cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if not proc.stdout.strip():
        raise SystemExit(f"judge submit {problem} printed no result: {proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout)


def permissive_root(base: Path, problems: list[str]) -> Path:
    """A copy of ``problems`` whose allow-lists also admit ``time`` and ``os`` (so a learner could sleep)."""
    root = base / "root"
    (root / "problems").mkdir(parents=True)
    shutil.copy(REPO / "problems" / "tracks.toml", root / "problems" / "tracks.toml")
    for problem in problems:
        shutil.copytree(REPO / "problems" / problem, root / "problems" / problem)
        toml = root / "problems" / problem / "problem.toml"
        text = toml.read_text()
        line = 'allowed_imports = ["numpy", "math", "typing", "functools", "itertools", "collections", ' \
               '"dataclasses", "time", "os"]\n'
        text = re.sub(r"^allowed_imports = .*\n", "", text, flags=re.M)
        toml.write_text(text.replace("prerequisites =", line + "prerequisites =", 1))
    return root


def worst_case(base: Path) -> None:
    print("1. a file that hangs in every call, judge submit wall time (target <= 10 s per problem):")
    root = permissive_root(base, MANY_TESTS)
    for problem in MANY_TESTS:
        cells = []
        for kind, template in HANGS.items():
            path = base / f"{problem}-{kind.replace(' ', '_').replace('.', '_')}.py"
            path.write_text("\n".join(template.format(name=name) for name in entry_points(problem)))
            elapsed, result = submit(root, problem, path, base / "hang.db")
            statuses = {t["status"] for t in result["tests"]}
            cells.append(f"{kind} {elapsed:.1f} s ({len(result['tests'])} tests, {'/'.join(sorted(statuses))})")
        print(f"   {problem}: " + "; ".join(cells))


def partial_credit(base: Path, problems: list[str] | None = None) -> None:
    problems = problems or sorted(p.parent.name for p in (REPO / "problems").glob("*/problem.toml"))
    full, slow_total, names = 0, 0.0, []
    for problem in problems:
        reference = REPO / "solutions" / problem / "reference.py"
        path = base / f"slow-{problem}.py"
        path.write_text(reference.read_text() + SLOWER.format() + "".join(
            f"{name} = _five_times({name})\n" for name in entry_points(problem)))
        elapsed, result = submit(REPO, problem, path, base / "slow.db")
        slow_total += elapsed
        if result["score"] == result["max_score"]:
            full += 1
        else:
            names.append(f"{problem} {result['score']:g}/{result['max_score']:g}")
    print(f"2. references made 5x slower: full marks on {full} of {len(problems)} problems"
          f"{' (not: ' + ', '.join(names) + ')' if names else ''}; {slow_total:.0f} s for all")


def hanging_class(base: Path, students: int, jobs: int) -> None:
    def run(label: str, hang_share: float) -> float:
        folder = base / f"class-{label}"
        grade_bench.make_class(folder, students, grade_bench.PROBLEMS)
        hung = 0
        for i, path in enumerate(sorted(folder.glob("*/*.py"))):
            if (i * 37) % 100 < hang_share * 200 and path.read_bytes() == (  # half the pairs are references
                    REPO / "solutions" / path.stem / "reference.py").read_bytes():
                path.write_text(HANGS["busy loop"].format(name=entry_points(path.stem)[0]))
                hung += 1
        elapsed = grade_bench.grade(folder, base / f"out-{label}", jobs)[0]
        pairs = students * len(grade_bench.PROBLEMS)
        print(f"   {label}: {pairs} pairs ({hung} hanging inside the call) in {elapsed:.1f} s = "
              f"{pairs / elapsed:.1f} pairs/s")
        return pairs / elapsed

    print(f"3. grading {students} students x {len(grade_bench.PROBLEMS)} problems, --jobs {jobs}:")
    without = run("without hangs", 0.0)
    with_hangs = run("with 5% hanging", 0.05)
    print(f"   throughput with hangs / without: {with_hangs / without:.0%} (target >= 70%)")


def gradescope_dry_run(base: Path) -> None:
    import zipfile

    import jsonschema

    from judge.engine.problems import load_schema

    bundle = base / "autograder.zip"
    subprocess.run([sys.executable, "-m", "judge", "export", "gradescope", str(bundle)], cwd=REPO, check=True,
                   capture_output=True, env=dict(os.environ, JUDGE_ROOT=str(REPO)))
    root = base / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    os.chmod(root / "source" / "run_autograder", 0o755)
    problems = sorted(p.parent.name for p in (REPO / "problems").glob("*/problem.toml"))
    for problem in problems:
        (root / "submission" / f"{problem}.py").write_text(
            "\n".join(HANGS["busy loop"].format(name=name) for name in entry_points(problem)))
    for folder in (base, root, root / "source", root / "submission"):
        folder.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("JUDGE_ROOT", "PYTHONPATH")}
    env.update(JUDGE_AUTOGRADER_ROOT=str(root), JUDGE_PYTHON=sys.executable)
    start = time.perf_counter()
    subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    doc = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(doc, load_schema("gradescope_results.schema.json"))
    late = "came before" in doc["output"]
    print(f"4. Gradescope dry run, a submission hanging in all {len(problems)} problems: {elapsed:.0f} s against the "
          f"bundle's 480 s deadline; results.json valid, {len(doc['tests'])} tests, score {doc['score']:g}"
          f"{', some problems marked not graded' if late else ', every problem graded'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--figures", default="1234", help="which figures to measure (default: all four)")
    parser.add_argument("--problems", help="for figure 2: these problems (comma-separated) instead of all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="judge-bench-hangs-") as tmp:
        base = Path(tmp)
        base.chmod(0o755)
        if "1" in args.figures:
            worst_case(base)
        if "2" in args.figures:
            partial_credit(base, args.problems.split(",") if args.problems else None)
        if "3" in args.figures:
            hanging_class(base, args.students, args.jobs)
        if "4" in args.figures:
            gradescope_dry_run(base)


if __name__ == "__main__":
    main()
