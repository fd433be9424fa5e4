"""Console entry point: imports the CLI with the cyclic garbage collector paused (imports create many objects
and free almost nothing, so collections during start-up are wasted time), then runs it. A closed pipe on standard
output (``judge show X | head``) ends the command silently with exit 0.

The notebook's entry points too (``judge.test``, ``judge.submit``, ``%load_ext judge``; the package root names them
in ``judge.ENTRY_POINTS``): each runs the ``judge`` command in a new process (judge/cli/desk.py)."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any


def main() -> None:
    gc.disable()
    try:
        from judge.cli.common import quiet_broken_pipe
        from judge.cli.main import main as cli_main
    finally:
        gc.enable()
    try:
        cli_main()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_broken_pipe()


def test(problem_id: str, source_or_path: str | os.PathLike | None = None) -> Any:
    """Public tests of ``problem_id`` on Python source or a file: a :class:`judge.cli.desk.Report`."""
    from judge.cli.desk import test as run_test

    return run_test(problem_id, source_or_path)


def submit(problem_id: str, source_or_path: str | os.PathLike | None = None, *,
           db: str | os.PathLike | None = None) -> Any:
    """Public and hidden tests, recorded in the history: a :class:`judge.cli.desk.Report`."""
    from judge.cli.desk import submit as run_submit

    return run_submit(problem_id, source_or_path, db=db)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext judge``: registers the ``%%judge`` cell magic (judge/cli/magic.py)."""
    from judge.cli.magic import register

    register(ipython)
