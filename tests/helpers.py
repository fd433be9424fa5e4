"""Helpers the tests import (``from helpers import judge, REPO``): paths of the repository and its fixtures, the real
`judge` command run in a subprocess as a learner or instructor would, and the processes a judge run left alive.
Fixtures live in conftest.py, which nothing imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
FIXTURE_ROOT = Path(__file__).resolve().parent / "fixtures" / "root"


def judge(*args: str, root: Path | None = None, cwd: Path | None = None, timeout: float = 300,
          env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m judge ARGS` and return the completed process (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("JUDGE_ROOT", None)
    if root is not None:
        full_env["JUDGE_ROOT"] = str(root)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "judge", *args], cwd=cwd or REPO, env=full_env, capture_output=True, text=True,
        timeout=timeout,
    )


def tagged_processes(tag: str) -> list[int]:
    """Live processes of judge runs started with ``JUDGE_RUN_TAG=tag``: workers and what they forked (their
    command line carries the worker mark and the tag)."""
    from judge.sandbox.launch import WORKER_MARK

    mark = f"{WORKER_MARK}{tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return sorted(found)


def left_alive(tag: str, within_s: float = 3.0) -> list[int]:
    """The processes of ``tag`` still alive after waiting up to ``within_s`` seconds for them to end."""
    deadline = time.monotonic() + within_s
    while (left := tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def judge_json(*args: str, **kw) -> tuple[int, dict]:
    proc = judge(*args, "--json", **kw)
    assert proc.stdout.strip(), f"no JSON on stdout; stderr: {proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path``, making its folders; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
