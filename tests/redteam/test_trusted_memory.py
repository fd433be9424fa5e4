"""Issue 19, bounded trusted memory: a submission whose every call returns a large wrong result
(submissions/memory_large_results.py: 41 tests, 24 MiB each) must not grow the trusted process. A failed test's
traceback held its frame and the result in it until the submission ended (collection is off while a batch runs):
the old code peaked at 1.06 GiB under `judge submit` (about 41 results). Now a failed test's frames are cleared as
soon as its verdict is recorded, so the trusted process holds at most the result of the call in progress and the
one its test is checking: its peak stays within a few results of what an honest submission costs it, for
`judge submit` and over a class under `judge grade`.

The peak is read with wait4: the largest resident set of the judge process and every process it reaped (grading
children, whose peak is the trusted figure under `judge grade`, and process-tier workers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO
from test_redteam import ROOT, SUBMISSIONS, TIERS

pytestmark = pytest.mark.slow

RESULT_MIB = 24  # what memory_large_results.py returns from each call
ALLOWED_RESULTS = 4  # the call in progress, the result being checked, and room for the decoder's buffers


def peak_mib(*args: str) -> float:
    """The peak resident set (MiB) of `python -m judge ARGS` and everything it reaped."""
    env = {**os.environ, "JUDGE_ROOT": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "judge", *args], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode in (0, 1), args
    return usage.ru_maxrss / 1024


@pytest.mark.skipif(not TIERS, reason="no sandbox tier")
def test_judge_submit_keeps_no_result_after_its_test(tmp_path):
    honest = peak_mib("submit", "redteam_results", str(ROOT / "solutions" / "redteam_results" / "reference.py"),
                      "--db", str(tmp_path / "a.db"))
    hostile = peak_mib("submit", "redteam_results", str(SUBMISSIONS / "memory_large_results.py"),
                       "--db", str(tmp_path / "b.db"))
    assert hostile - honest < ALLOWED_RESULTS * RESULT_MIB, (honest, hostile)


@pytest.mark.skipif(not TIERS, reason="no sandbox tier")
def test_judge_grade_keeps_no_result_after_its_test(tmp_path):
    def grade(students: dict[str, str], name: str) -> float:
        klass = tmp_path / name
        for student, source in students.items():
            (klass / student).mkdir(parents=True)
            (klass / student / "redteam_results.py").write_bytes(Path(source).read_bytes())
        extra = ["--allow-weak-sandbox"] if TIERS[0] == "process" else []
        return peak_mib("grade", str(klass), "--out", str(tmp_path / f"{name}-out"), "--jobs", "1", "--quiet",
                        *extra)

    reference = str(ROOT / "solutions" / "redteam_results" / "reference.py")
    honest = grade({f"s{i}": reference for i in range(3)}, "honest")
    hostile = grade({**{f"a{i}": str(SUBMISSIONS / "memory_large_results.py") for i in range(2)},
                     "z": reference}, "hostile")
    assert hostile - honest < ALLOWED_RESULTS * RESULT_MIB, (honest, hostile)
