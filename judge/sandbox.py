"""How the worker process is launched: the sandbox tier, its command line, environment and working dir.

Tier ``process``: a plain subprocess in a new session with a scrubbed environment, a private temporary working
directory, and rlimits (address space, CPU, file size, open files, no core files) applied by the worker's
bootstrap before any learner code runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

# The bootstrap makes ``judge`` importable without putting the judge's parent folder (which may hold the
# problems and solutions) on sys.path, and removes the working directory from sys.path.
BOOT = (
    "import sys, types; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "m = types.ModuleType('judge'); m.__path__ = [{judge_dir!r}]; sys.modules['judge'] = m; "
    "from judge.worker import main; main()"
)


TIERS = ("bwrap", "process")


@dataclass
class SandboxSpec:
    """Which tier runs the worker, and where the solution appears inside it."""

    tier: str = "process"
    solution_inside: str | None = None


def available_tiers() -> list[str]:
    """The tiers this machine can run, strongest first."""
    return ["process"]


def select_sandbox(requested: str = "auto") -> SandboxSpec:
    """The strongest available tier for ``auto``, else the requested tier (ValueError if unavailable)."""
    tiers = available_tiers()
    if requested == "auto":
        return SandboxSpec(tier=tiers[0])
    if requested not in TIERS:
        raise ValueError(f"unknown sandbox tier {requested!r}; choose one of {', '.join(TIERS)} or auto")
    if requested not in tiers:
        raise ValueError(f"sandbox tier {requested!r} is not available on this machine")
    return SandboxSpec(tier=requested)


def worker_env(tmpdir: str) -> dict[str, str]:
    """The fixed, minimal environment of a worker: nothing of the judge's own environment leaks in."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": tmpdir,
        "TMPDIR": tmpdir,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def build_command(
    spec: SandboxSpec, judge_dir: str, solution: str, tmpdir: str, req_fd: int, rep_fd: int, limits: str
) -> tuple[list[str], dict[str, str], str]:
    """Command, environment and working directory that start a worker under ``spec``."""
    if spec.tier != "process":
        raise ValueError(f"unknown sandbox tier {spec.tier!r}")
    cmd = [sys.executable, "-s", "-B", "-c", BOOT.format(judge_dir=judge_dir), str(req_fd), str(rep_fd), limits]
    return cmd, worker_env(tmpdir), tmpdir
