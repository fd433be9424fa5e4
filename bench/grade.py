"""Grading throughput of `judge grade`, reported as figures and ratios measured in one run (never asserted).

A synthetic class over the six judge-core problems (causal_mask, padding_mask, bert_mask_tokens, cross_entropy,
causal_lm_loss, masked_lm_metrics): per pair a reference (50%), a mutant (20%), the starter (15%), a file that
crashes at load (os._exit: forbidden under the default allow-list, 4%), one that allocates 8 GiB (memory, 4%),
one that loops forever at import (timeout, 2%), or no file (missing, 5%). It is graded with
`judge grade --jobs 2` for 100 and 400 students, reporting pairs per second and the grader's peak memory (the
parent's, which must not grow with the class, and the largest grading child's).

Baseline, measured in the same run: one `python -m pytest` process per pair (public and hidden tests importing
the submission directly, no isolation, no gradebook), 2 at a time, on a sample of pairs without the looping
files and the 8 GiB ones (a naive runner would hang or thrash on them).
Targets (issue 5): >= 20 pairs/s on 2 cores, >= 3x the baseline.

Issue 16 adds: each problem's share of the largest run (from the gradebook's per-pair durations), the time of a
400 x 39 class extrapolated from those per-problem rates (the other 33 problems assumed to cost the mean of the
six measured), and the largest class graded as 2 shards (`--shard 1/2`, `--shard 2/2`, one job each, run at the
same time) then joined with `judge merge`, against the single run; the merged grades.csv must equal the single
run's.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROBLEMS = ["causal_mask", "padding_mask", "bert_mask_tokens", "cross_entropy", "causal_lm_loss",
            "masked_lm_metrics"]
CRASH = "import os\nos._exit(1)\n"
MEMORY = "import numpy as np\n\nBIG = np.ones(8 << 30, dtype=np.uint8)\n"
LOOP = "while True:\n    pass\n"

BARE_CONFTEST = '''
import hashlib, importlib.util, random
import numpy as np
import pytest

def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points")

class _Sol:
    def __init__(self, module):
        self._m = module
    def __getattr__(self, name):
        return getattr(self._m, name)
    def global_random_state(self):
        return hashlib.sha256(repr((np.random.get_state()[1].tolist(), random.getstate())).encode()).hexdigest()

@pytest.fixture(scope="session")
def sol():
    spec = importlib.util.spec_from_file_location("submission", {path!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _Sol(module)
'''


def kind_of(index: int) -> str:
    slot = index % 100
    if slot < 50:
        return "reference"
    if slot < 70:
        return "mutant"
    if slot < 85:
        return "starter"
    if slot < 89:
        return "crash"
    if slot < 93:
        return "memory"
    if slot < 95:
        return "timeout"
    return "missing"


def make_class(folder: Path, students: int, problems: list[str]) -> dict[str, int]:
    mutants = {p: sorted((REPO / "solutions" / p / "mutants").glob("*.py")) for p in problems}
    counts: dict[str, int] = {}
    index = 0
    for s in range(students):
        sdir = folder / f"student{s:04d}"
        sdir.mkdir(parents=True)
        for p in problems:
            kind = kind_of(index * 37 + 11)  # spread the kinds over students and problems
            index += 1
            counts[kind] = counts.get(kind, 0) + 1
            target = sdir / f"{p}.py"
            if kind == "reference":
                shutil.copyfile(REPO / "solutions" / p / "reference.py", target)
            elif kind == "mutant":
                shutil.copyfile(mutants[p][index % len(mutants[p])], target)
            elif kind == "starter":
                shutil.copyfile(REPO / "problems" / p / "starter.py", target)
            elif kind != "missing":
                target.write_text({"crash": CRASH, "memory": MEMORY, "timeout": LOOP}[kind])
    return counts


def inner(argv: list[str]) -> None:
    """Run `judge grade` in this process and report its peak memory (and the largest child's) on stderr."""
    import atexit

    def report() -> None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"PEAK_RSS_KB {own} {kids}", file=sys.stderr)

    atexit.register(report)
    from judge.cli.main import main as judge_main

    judge_main(argv, prog_name="judge")


def per_problem_seconds(out: Path, elapsed: float) -> dict[str, float]:
    """Each problem's share of the run's wall time, in proportion to its pairs' summed grading durations."""
    db = sqlite3.connect(out / "gradebook.db")
    try:
        durations = dict(db.execute("SELECT problem, SUM(duration_s) FROM grades GROUP BY problem"))
    finally:
        db.close()
    total = sum(durations.values()) or 1.0
    return {p: elapsed * d / total for p, d in durations.items()}


def sharded(folder: Path, base: Path, shards: int) -> float:
    """Wall time of ``shards`` `judge grade --shard K/N --jobs 1` processes at once, then `judge merge`."""
    env = dict(os.environ, JUDGE_ROOT=str(REPO))
    common = ["--quiet", "--allow-weak-sandbox", "--no-similarity", "--problems", ",".join(PROBLEMS), "--jobs", "1"]
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "judge", "grade", str(folder), "--out", str(base / f"shard{k}"),
                               "--shard", f"{k}/{shards}", *common], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for k in range(1, shards + 1)]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a shard failed ({proc.returncode}): {err[-2000:]}")
    merge = subprocess.run([sys.executable, "-m", "judge", "merge", str(base / "merged"), "--no-similarity",
                            *(str(base / f"shard{k}") for k in range(1, shards + 1))], cwd=REPO, env=env,
                           capture_output=True, text=True)
    if merge.returncode != 0:
        raise SystemExit(f"judge merge failed ({merge.returncode}): {merge.stderr[-2000:]}")
    return time.perf_counter() - start


def grade(folder: Path, out: Path, jobs: int) -> tuple[float, int, int, int]:
    env = dict(os.environ, JUDGE_ROOT=str(REPO))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--inner", "grade", str(folder), "--out", str(out),
           "--jobs", str(jobs), "--quiet", "--allow-weak-sandbox", "--no-similarity", "--problems",
           ",".join(PROBLEMS)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"judge grade failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    own, kids = next(map(int, line.split()[1:]) for line in proc.stderr.splitlines()
                     if line.startswith("PEAK_RSS_KB"))
    with (out / "grades.csv").open() as fh:
        rows = sum(1 for _ in csv.reader(fh)) - 1
    return elapsed, own, kids, rows


def naive(folder: Path, sample: list[tuple[str, str]], jobs: int, work: Path) -> float:
    """Wall time of one bare pytest process per pair of ``sample``, ``jobs`` at a time."""
    def one(pair: tuple[str, str]) -> None:
        student, problem = pair
        d = work / f"{student}-{problem}"
        d.mkdir()
        shutil.copy(REPO / "problems" / problem / "tests_public.py", d / f"test_public_{problem}.py")
        shutil.copy(REPO / "problems" / problem / "tests_hidden.py", d / f"test_hidden_{problem}.py")
        (d / "conftest.py").write_text(BARE_CONFTEST.format(path=str(folder / student / f"{problem}.py")))
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "--timeout", "60",
                        str(d)], cwd=d, capture_output=True, text=True)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, sample))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=60, help="pairs graded by the naive baseline")
    parser.add_argument("--shards", type=int, default=2, help="shards of the largest class (0: skip)")
    parser.add_argument("--all-problems", type=int, default=39, help="problems of the extrapolated full class")
    args, rest = parser.parse_known_args()
    if rest and rest[0] == "--inner":
        inner(rest[1:])
        return
    missing = [p for p in PROBLEMS if not (REPO / "solutions" / p / "reference.py").is_file()]
    if missing:
        raise SystemExit(f"bench/grade.py needs the judge-core problems; missing: {', '.join(missing)}")
    print(f"grading benchmark: {len(PROBLEMS)} problems, --jobs {args.jobs}, {os.cpu_count()} cores")
    rates = {}
    with tempfile.TemporaryDirectory(prefix="judge-bench-") as tmp:
        base = Path(tmp)
        base.chmod(0o755)
        for n in args.students:
            folder = base / f"class{n}"
            counts = make_class(folder, n, PROBLEMS)
            elapsed, own, kids, rows = grade(folder, base / f"out{n}", args.jobs)
            pairs = n * len(PROBLEMS)
            rates[n] = pairs / elapsed
            mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"  {n} students ({pairs} pairs: {mix}): {elapsed:.1f} s, {rates[n]:.1f} pairs/s; "
                  f"peak memory: grader {own / 1024:.0f} MiB, largest grading child {kids / 1024:.0f} MiB; "
                  f"{rows} rows in grades.csv")
        n_max = args.students[-1]
        single_elapsed = n_max * len(PROBLEMS) / rates[n_max]
        seconds = per_problem_seconds(base / f"out{n_max}", single_elapsed)
        print(f"  per problem at {n_max} students: " + ", ".join(
            f"{p} {n_max / t:.1f} pairs/s" for p, t in sorted(seconds.items())))
        mean = sum(seconds.values()) / len(seconds)
        full = mean * args.all_problems
        print(f"  extrapolated {n_max} x {args.all_problems} ({n_max * args.all_problems} pairs, the other "
              f"{args.all_problems - len(seconds)} problems at the mean of the measured ones): {full / 60:.1f} min")
        sys.path.insert(0, str(REPO))
        from judge.grading.roster import read_roster
        from judge.grading.similarity import class_similarity

        start = time.perf_counter()
        roster = read_roster(base / f"class{n_max}", PROBLEMS)
        flagged = class_similarity(roster.files, PROBLEMS, REPO)
        print(f"  similarity report at {n_max} students ({len(roster.files)} files, {len(flagged)} pairs kept): "
              f"{time.perf_counter() - start:.1f} s (not in the figures above: they pass --no-similarity)")
        if args.shards:
            shard_base = base / "shards"
            shard_base.mkdir()
            t_shard = sharded(base / f"class{n_max}", shard_base, args.shards)
            merged, single = shard_base / "merged" / "grades.csv", base / f"out{n_max}" / "grades.csv"
            same = merged.read_text() == single.read_text()
            print(f"  {args.shards} shards at {n_max} students (one job each, at once) + judge merge: {t_shard:.1f} s "
                  f"vs the single --jobs {args.jobs} run {single_elapsed:.1f} s (ratio "
                  f"{t_shard / single_elapsed:.2f}); merged grades.csv equals the single run's: {same}")
        n0 = args.students[0]
        folder = base / f"class{n0}"
        sample = [(s.name, f.stem) for s in sorted(folder.iterdir()) for f in sorted(s.glob("*.py"))
                  if f.read_text() not in (LOOP, MEMORY)][: args.naive_sample]
        work = base / "naive"
        work.mkdir()
        t = naive(folder, sample, args.jobs, work)
        naive_rate = len(sample) / t
    print(f"  naive baseline (one pytest process per pair, no isolation, {len(sample)} pairs without the looping "
          f"or 8 GiB files): {naive_rate:.1f} pairs/s")
    for n, rate in rates.items():
        print(f"  ratio judge grade / naive at {n} students: {rate / naive_rate:.2f}x "
              f"(target >= 3x; throughput target >= 20 pairs/s on 2 cores)")


if __name__ == "__main__":
    main()
