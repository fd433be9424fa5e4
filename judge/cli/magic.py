"""``%load_ext judge``: the ``%%judge`` cell magic.

``%%judge test causal_mask`` (or ``submit``; ``--db FILE`` for another history file) first runs the cell in the
kernel as usual, so what it defines is there for the next cells, then judges the cell's code, and only that, as
the submission, through :mod:`judge.cli.desk` (a separate judge process; the learner's code runs in its isolated
worker). The cell's value is the :class:`~judge.cli.desk.Report`, shown as an HTML table.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from judge.cli.desk import JudgeCallError, Report, cell_source, run

USAGE = "%%judge test|submit PROBLEM_ID [--db FILE]"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%%judge", add_help=False, exit_on_error=False)
    parser.add_argument("kind", choices=["test", "submit"])
    parser.add_argument("problem_id")
    parser.add_argument("--db", default=None)
    return parser


def judge_cell(line: str, cell: str, ipython: Any = None) -> Report | None:
    """The body of ``%%judge``: run ``cell`` in the kernel, then judge it."""
    try:
        args, extra = _parser().parse_known_args(shlex.split(line))
        if extra:
            raise argparse.ArgumentError(None, f"unexpected {' '.join(extra)}")
    except (argparse.ArgumentError, ValueError, SystemExit) as exc:
        print(f"judge: usage: {USAGE} ({exc})")
        return None
    if ipython is not None:
        ipython.run_cell(cell)
    try:
        return run(args.kind, args.problem_id, cell_source(cell), db=args.db)
    except JudgeCallError as exc:
        print(f"judge: error: {exc}")
        return None


def register(ipython: Any) -> None:
    """Register ``%%judge`` in ``ipython`` (``%load_ext judge`` calls this)."""
    def judge(line: str, cell: str) -> Report | None:
        return judge_cell(line, cell, ipython)

    judge.__doc__ = f"{USAGE}: run the cell, then judge its code (a separate, isolated judge)."
    ipython.register_magic_function(judge, magic_kind="cell", magic_name="judge")
