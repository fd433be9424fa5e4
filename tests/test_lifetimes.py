"""Killing `judge grade` or `judge submit` with any signal leaves no process of theirs alive a few seconds later:
grading children die with their parent (parent-death signal), sandboxes with their grading child (bwrap's
--die-with-parent; on SIGTERM the child kills them from outside), workers with whoever started them.

Processes are found by the run tag every worker's and zygote's command line carries (``JUDGE_RUN_TAG``; a forked
child keeps its parent's command line) and, for grading children, by the parent pid on theirs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from classroom import make_class
from helpers import REPO

from judge.sandbox.launch import WORKER_MARK, tier_available

pytestmark = [pytest.mark.slow, pytest.mark.container_tier]

ROOT = REPO / "tests" / "redteam" / "root"  # the red-team problem allows os, so submissions can fork
REFERENCE = (ROOT / "solutions" / "redteam" / "reference.py").read_text()
HANG = "import time\n\ndef causal_mask(seq_len):\n    time.sleep(1000)\n"
FORK = '''import os, time

def causal_mask(seq_len):
    for _ in range(3):
        if os.fork() == 0:
            time.sleep(1000)
            os._exit(0)
    if os.fork() == 0:  # a daemon: double fork, new session
        os.setsid()
        if os.fork() == 0:
            time.sleep(1000)
        os._exit(0)
    time.sleep(1000)
'''
CLASS = {"ada": REFERENCE, "ben": HANG, "cy": FORK, "dee": HANG, "eve": FORK, "fay": REFERENCE}


def copy_root(tmp_path: Path) -> Path:
    """A private copy of the red-team root (the container tier locks the problem folders it grades)."""
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    return root


def processes(tag: str, parent: int) -> list[str]:
    """Live processes of a run: a worker, zygote or anything they forked (``tag``), or a grading child of
    ``parent``."""
    mark = f"{WORKER_MARK}{tag}".encode()
    child = b"judge.grading.child\0" + str(parent).encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if (mark in cmdline or child in cmdline) and state not in (b"Z", b"X"):
            found.append(f"{entry.name}: {cmdline[:80]!r}")
    return found


def kill_midway(cmd: list[str], sig: int, tag: str, min_procs: int, root: Path, **extra_env: str) -> list[str]:
    """Start ``cmd`` on the problems of ``root``, wait until at least ``min_procs`` tagged processes run (and one
    more second), send ``sig``; what is still alive 5 s after it exited."""
    env = dict(os.environ, JUDGE_ROOT=str(root), JUDGE_RUN_TAG=tag, **extra_env)
    run = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(processes(tag, run.pid)) < min_procs and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        time.sleep(1.0)
        assert run.poll() is None, "the run finished before it could be killed"
        assert len(processes(tag, run.pid)) >= min_procs
        run.send_signal(sig)
        run.wait(timeout=30)
        end = time.monotonic() + 5
        while (left := processes(tag, run.pid)) and time.monotonic() < end:
            time.sleep(0.1)
        return left
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


GRADE_CASES = [("bwrap", signal.SIGKILL), ("bwrap", signal.SIGTERM), ("process", signal.SIGTERM),
               ("container", signal.SIGTERM), ("container", signal.SIGKILL)]


@pytest.mark.parametrize("tier, sig", GRADE_CASES, ids=[f"{t}-{s.name}" for t, s in GRADE_CASES])
def test_killing_judge_grade_leaves_nothing_alive(tier, sig, tmp_path):
    """A class with hanging and forking submissions, graded by two grading children; the run is killed while
    workers hang and forked children sleep: 5 s later no grading child, sandbox, worker or forked child is left."""
    if not tier_available(tier):
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    subs = make_class(tmp_path / "class", CLASS, problem="redteam")
    tag = f"life{os.getpid()}{tier}{sig.name}"
    cmd = [sys.executable, "-m", "judge", "grade", str(subs), "--out", str(tmp_path / "out"), "-j", "2", "-q",
           "--sandbox", tier, "--allow-weak-sandbox"]
    left = kill_midway(cmd, sig, tag, 3, copy_root(tmp_path))
    assert not left, left


def test_sigkill_of_judge_grade_on_the_process_tier_takes_its_workers(tmp_path):
    """The process tier has no namespace: what a learner forks may outlive its worker (documented), but the
    grading children and the workers themselves die with the run."""
    subs = make_class(tmp_path / "class", {"ben": HANG, "dee": HANG, "ada": REFERENCE}, problem="redteam")
    tag = f"lifep{os.getpid()}"
    cmd = [sys.executable, "-m", "judge", "grade", str(subs), "--out", str(tmp_path / "out"), "-j", "2", "-q",
           "--sandbox", "process", "--allow-weak-sandbox"]
    left = kill_midway(cmd, signal.SIGKILL, tag, 2, copy_root(tmp_path))
    assert not left, left


SUBMIT_CASES = [(t, s) for t in ("bwrap", "container", "process") for s in (signal.SIGKILL, signal.SIGTERM)]


@pytest.mark.parametrize("tier, sig", SUBMIT_CASES, ids=[f"{t}-{s.name}" for t, s in SUBMIT_CASES])
def test_killing_judge_submit_leaves_no_worker(tier, sig, tmp_path):
    if not tier_available(tier):
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    hang = tmp_path / "hang.py"
    hang.write_text(HANG)
    tag = f"lifes{os.getpid()}{tier}{sig.name}"
    cmd = [sys.executable, "-m", "judge", "submit", "redteam", str(hang), "--db", str(tmp_path / "db.sqlite")]
    left = kill_midway(cmd, sig, tag, 1, copy_root(tmp_path), JUDGE_SANDBOX=tier)
    assert not left, left
