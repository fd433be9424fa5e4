"""Limits the trusted side enforces on a worker, whatever the worker does.

The CPU budget (judge/sandbox/cpuclock.py) stops a call at the budget, not at RLIMIT_CPU's next whole second.

RLIMIT_CPU stays as a backstop and reports itself as "CPU time limit exceeded" (SIGXCPU); a stop by the trusted
budget says "time limit exceeded". With a 1.2 s budget, RLIMIT_CPU would fire at 2 s and the wall deadline at
2.9 s, so the message tells which mechanism stopped the worker without timing anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from judge.engine.executor import Executor, Limits
from judge.sandbox.cpuclock import TreeClock
from judge.sandbox.launch import SandboxSpec, available_tiers
from judge.sandbox.zygote import Zygote

LOOP_IN_CALL = "def spin(n):\n    while True:\n        pass\n"
LOOP_AT_IMPORT = "while True:\n    pass\n\ndef spin(n):\n    return n\n"
SETUPS = [("process", False), ("bwrap", False), ("bwrap", True)]


def call_once(tier: str, forked: bool, source: str, allowed: list[str], time_s: float, args: tuple, tmp_path):
    """One call of ``spin(*args)`` in a worker of ``tier`` (forked from a zygote if ``forked``); its Outcome."""
    if tier not in available_tiers():
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    path = tmp_path / "solution.py"
    path.write_text(source)
    spec = SandboxSpec(tier)
    zygote = Zygote(spec) if forked else None
    try:
        with Executor(path, ["spin"], allowed, Limits(time_s=time_s), sandbox=spec, zygote=zygote) as ex:
            return ex.call("spin", args, {}, time_s)
    finally:
        if zygote is not None:
            zygote.close()


@pytest.mark.parametrize("tier, forked", SETUPS, ids=["process", "bwrap", "bwrap-zygote"])
@pytest.mark.parametrize("source, where", [(LOOP_IN_CALL, "during the call"), (LOOP_AT_IMPORT, "while loading")])
def test_a_spinning_worker_is_stopped_by_the_trusted_budget(tier, forked, source, where, tmp_path):
    outcome = call_once(tier, forked, source, [], 1.2, (1,), tmp_path)
    assert outcome.verdict == "timeout"
    assert outcome.message.startswith("time limit exceeded " + where), outcome.message


def test_the_clock_reads_a_descendant_and_goes_blank_when_it_is_gone():
    burner = "import sys\nwhile sys.stdin.read(1) != 'q':\n    sum(range(10**6))\n"
    child = subprocess.Popen([sys.executable, "-c", burner], stdin=subprocess.PIPE, text=True)
    try:
        assert TreeClock.find(child.pid, child.pid + 10**7, level=0) is None  # no such process below it
        clock = TreeClock.find(os.getpid(), child.pid, level=0)  # found as a child of this process
        assert clock is not None
        before = clock.seconds()
        for _ in range(40):
            child.stdin.write("x")
            child.stdin.flush()
        deadline = time.monotonic() + 30
        while clock.seconds() - before < 0.05 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert clock.seconds() - before >= 0.05
        child.stdin.write("q")
        child.stdin.close()
        child.wait(timeout=30)
        assert clock.seconds() is None  # the descriptor stays bound to the process that is gone
        clock.close()
    finally:
        child.kill()
        child.wait()


FORKS_AND_BURNS = """
import os, sys
for _ in range(2):
    if os.fork() == 0:  # children burn CPU, then exit (reaped by the parent) or linger (alive)
        end = 0
        for _ in range(3):
            sum(range(10**6))
        os._exit(0)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.stdin.read()
"""


def test_the_tree_clock_counts_forked_children_alive_and_reaped():
    """Work done in a forked child counts: reaped children through the parent's cutime, live ones directly."""
    child = subprocess.Popen([sys.executable, "-c", FORKS_AND_BURNS], stdin=subprocess.PIPE, text=True)
    try:
        clock = TreeClock(child.pid)
        deadline = time.monotonic() + 30
        own = 0.0
        while time.monotonic() < deadline:
            total = clock.seconds()
            with open(f"/proc/{child.pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
            if reaped > 0:
                break
            time.sleep(0.02)
        assert reaped > 0.02, "the children never ran"
        assert total is not None and total >= own + reaped - 0.02  # the children's work is counted
        clock.close()
    finally:
        child.kill()
        child.wait()


STOPS_READING = """
import sys, time

def _never(*args, **kwargs):
    time.sleep(3600)

sys.modules["judge.isolated.wire"].read_frame = _never  # the worker's loop never reads another request

def spin(x):
    return 0
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("tier, forked", SETUPS, ids=["process", "bwrap", "bwrap-zygote"])
def test_a_worker_that_stops_reading_meets_the_deadline(tier, forked, tmp_path):
    """A request larger than the pipe to a worker that no longer reads: the judge's write gives up at the call's
    deadline (a timeout verdict) instead of blocking the judge forever."""
    outcome = call_once(tier, forked, STOPS_READING, ["sys", "time"], 0.5, (np.zeros(1 << 20),), tmp_path)  # 8 MiB
    assert outcome.verdict == "timeout", outcome.message
