"""``%load_ext judge``: the ``%%judge`` cell magic.

``%%judge test causal_mask`` (or ``submit``; ``--db FILE`` for another history file) first runs the cell in the
kernel as usual, so what it defines is there for the next cells, then judges the cell's code, and only that, as
the submission, through :mod:`judge.cli.desk` (a separate judge process; the learner's code runs in its isolated
worker). The cell's value is the :class:`~judge.cli.desk.Report`, shown as an HTML table.

It also lets the kernel import a learner's earlier solution kept as a notebook (:class:`NotebookSolutions`), as
the judge does for a problem that builds on it: ``from tiny_transformer import forward`` finds
``tiny_transformer.ipynb`` in the kernel's folder when there is no ``tiny_transformer.py``.
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
import shlex
import sys
from pathlib import Path
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


class NotebookSolutions(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """In the learner's kernel: a problem id with no module of that name on the path imports ``<id>.ipynb`` from
    the current folder, its code cells by the judge's rules (judge/engine/notebooks.py). Last on the meta path, so a
    ``.py`` always wins; only problem ids, so no other notebook becomes a module."""

    def __init__(self, problem_ids: set[str]) -> None:
        self.problem_ids = problem_ids

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        notebook = Path.cwd() / f"{fullname}.ipynb"
        if path is not None or fullname not in self.problem_ids or not notebook.is_file():
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(notebook))

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        from judge.engine.notebooks import read_notebook

        origin = module.__spec__.origin
        module.__file__ = origin
        exec(compile(read_notebook(origin).source, origin, "exec"), module.__dict__)


def install_notebook_solutions() -> None:
    """Put :class:`NotebookSolutions` last on ``sys.meta_path`` (once); nothing when no repository is found."""
    from judge.engine.problems import ProblemError, find_root, problem_ids

    if any(isinstance(f, NotebookSolutions) for f in sys.meta_path):
        return
    try:
        ids = set(problem_ids(find_root()))
    except (ProblemError, OSError):
        return
    sys.meta_path.append(NotebookSolutions(ids))


def register(ipython: Any) -> None:
    """Register ``%%judge`` in ``ipython`` (``%load_ext judge`` calls this)."""
    install_notebook_solutions()
    def judge(line: str, cell: str) -> Report | None:
        return judge_cell(line, cell, ipython)

    judge.__doc__ = f"{USAGE}: run the cell, then judge its code (a separate, isolated judge)."
    ipython.register_magic_function(judge, magic_kind="cell", magic_name="judge")
