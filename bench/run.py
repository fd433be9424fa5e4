"""Benchmarks, reported as ratios against a baseline measured in the same run (never as timed assertions).

submit: wall time of `judge submit causal_mask solutions/causal_mask/reference.py` against a bare
`python -m pytest` of the same hidden tests importing the reference directly, with no isolation.
Target: ratio <= 1.5 and a median below 1 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BARE_CONFTEST = '''
import importlib.util
import pytest

def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points")

@pytest.fixture(scope="session")
def sol():
    spec = importlib.util.spec_from_file_location("reference", {ref!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
'''


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0,):
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def bench_submit(problem: str, repeats: int) -> None:
    ref = REPO / "solutions" / problem / "reference.py"
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare"
        bare.mkdir()
        shutil.copy(REPO / "problems" / problem / "tests_hidden.py", bare / "test_hidden.py")
        (bare / "conftest.py").write_text(BARE_CONFTEST.format(ref=str(ref)))
        db = str(Path(tmp) / "bench.db")
        bare_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(bare)]
        judge_cmd = [sys.executable, "-m", "judge", "submit", problem, str(ref), "--db", db]
        env = dict(os.environ)
        bare_times, judge_times = [], []
        timed(bare_cmd, bare)  # warm the file cache for both
        timed(judge_cmd, REPO, env)
        for _ in range(repeats):
            bare_times.append(timed(bare_cmd, bare))
            judge_times.append(timed(judge_cmd, REPO, env))
    b, j = statistics.median(bare_times), statistics.median(judge_times)
    print(f"submit {problem}: judge median {j:.3f} s, bare pytest median {b:.3f} s, "
          f"ratio {j / b:.2f}x (target <= 1.5x; median target < 1 s) over {repeats} alternating runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--problem", default="causal_mask")
    args = parser.parse_args()
    bench_submit(args.problem, args.repeats)


if __name__ == "__main__":
    main()
