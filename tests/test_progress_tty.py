"""On a terminal, judge submit shows each test's verdict as it finishes, before the report; with --json (or
without a terminal) the output stays exactly one result object. Driven through a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys

import pytest
from helpers import REPO

from judge.engine.problems import load_problem
from judge.engine.runner import collect_tests

pytestmark = pytest.mark.slow

REFERENCE = REPO / "solutions" / "causal_mask" / "reference.py"


def run_in_pty(*args: str, timeout: float = 120) -> str:
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "JUDGE_ROOT"}
    proc = subprocess.Popen([sys.executable, "-m", "judge", *args], cwd=REPO, env=env, stdin=follower,
                            stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    out = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the follower closed: the process is done
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    os.close(leader)
    return out.decode(errors="replace")


def test_progress_comes_before_the_report_on_a_terminal(tmp_path):
    text = run_in_pty("submit", "causal_mask", str(REFERENCE), "--db", str(tmp_path / "db.sqlite"))
    first_progress = text.find("causal_mask 1/")
    report = text.find("(public and hidden tests)")
    assert first_progress != -1 and report != -1, text[-2000:]
    assert first_progress < report
    n = len(collect_tests(load_problem(REPO, "causal_mask"), "all"))
    assert f"causal_mask {n}/{n}" in text[first_progress:report]  # every test's verdict shown as it came


def test_json_stays_one_object_on_a_terminal(tmp_path):
    text = run_in_pty("submit", "causal_mask", str(REFERENCE), "--json", "--db", str(tmp_path / "db.sqlite"))
    result = json.loads(text.strip())
    assert result["problem"] == "causal_mask" and "causal_mask 1/" not in text


def test_no_progress_without_a_terminal(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "judge", "submit", "causal_mask", str(REFERENCE), "--db",
                           str(tmp_path / "db.sqlite")], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "causal_mask 1/" not in proc.stdout and "(public and hidden tests)" in proc.stdout
