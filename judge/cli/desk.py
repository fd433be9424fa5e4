"""The judge from Python and Jupyter: ``judge.test("causal_mask", source_or_path)`` and ``judge.submit(...)``.

Each call runs the ``judge`` command in a new process (``python -m judge test|submit ID FILE --json``), exactly as
on the command line: the tests run in that process and the learner's code in its isolated worker, never in the
caller's process (a notebook's kernel already holds the learner's code). The answer is a :class:`Report`, shown
as an HTML table in Jupyter and as the command line's text report elsewhere.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from judge.engine.notebooks import cells_source, notebook_summary
from judge.engine.verdicts import ResultStatus, Verdict

JUDGE_TIMEOUT_S = 900  # the whole command; the judge's own budgets stop a submission long before


class JudgeCallError(RuntimeError):
    """The judge could not run (unknown problem, unreadable file, a judge failure): its one-line error."""


class Report:
    """A result of ``judge.test`` or ``judge.submit``: ``result`` is the result model (result.schema.json)."""

    def __init__(self, result: dict[str, Any], kind: str) -> None:
        self.result, self.kind = result, kind

    @property
    def score(self) -> float:
        return self.result["score"]

    @property
    def max_score(self) -> float:
        return self.result["max_score"]

    @property
    def passed(self) -> bool:
        return self.result["status"] == ResultStatus.PASSED

    def _pending(self) -> str | None:
        if self.kind == "test":
            return f"judge.submit({self.result['problem']!r}, ...) adds the hidden tests and records your score"
        return None

    def __str__(self) -> str:
        from judge.feedback.report import render_result

        text = click.unstyle(render_result(self.result, pending=self._pending()))
        return text + ("\nRecorded in your history: judge history" if self.kind == "submit" else "")

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        r, e = self.result, html.escape
        what = "public tests" if r.get("visibility") == "public" else "public and hidden tests"
        colour = "#1a7f37" if self.passed else "#cf222e"
        out = [f"<div class='judge-report'><p><b>{e(r['problem'])}</b> ({what}): "
               f"<b style='color:{colour}'>score {r['score']:g}/{r['max_score']:g}</b></p>"]
        if r.get("notebook"):
            out.append(f"<pre>{e(notebook_summary(r['notebook']))}</pre>")
        from judge.feedback.report import builds_on_line

        if builds_on_line(r):
            out.append(f"<p>{e(builds_on_line(r))}</p>")
        if r["status"] == ResultStatus.ERROR and r.get("message"):
            out.append(f"<p style='color:#cf222e'>your code could not be loaded: {e(r['message'])}</p>")
        out.append("<table><thead><tr><th>verdict</th><th>test</th><th>score</th><th>feedback</th></tr></thead>"
                   "<tbody>")
        for t in r["tests"]:
            hidden = " (hidden)" if t["visibility"] == "hidden" else ""
            ok = t["status"] == Verdict.PASSED
            message = "" if ok else e(t["message"])
            out.append(f"<tr><td style='color:{'#1a7f37' if ok else '#cf222e'}'>{e(t['status'])}</td>"
                       f"<td><code>{e(t['name'])}</code>{hidden}</td><td>{t['score']:g}/{t['max_score']:g}</td>"
                       f"<td><pre style='margin:0'>{message}</pre></td></tr>")
        out.append("</tbody></table>")
        from judge.feedback.report import learner_tables

        for table in learner_tables(r):
            out.append(f"<p><b>{e(table['title'])}</b></p><table><thead><tr>"
                       + "".join(f"<th>{e(h)}</th>" for h in table["header"]) + "</tr></thead><tbody>"
                       + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table["rows"])
                       + "</tbody></table>" + (f"<p>{e(table['note'])}</p>" if table.get("note") else ""))
        pending = self._pending()
        if pending and self.passed:
            out.append(f"<p>{e(pending)}.</p>")
        if self.kind == "submit":
            out.append("<p>Recorded in your history: <code>judge history</code></p>")
        out.append("</div>")
        return "".join(out)


def _as_file(problem_id: str, source_or_path: str | os.PathLike | None, folder: str) -> str | None:
    """A path for the judge: an existing file as given, else the text as Python source in ``folder``."""
    if source_or_path is None:
        return None
    if isinstance(source_or_path, os.PathLike):
        return os.fspath(source_or_path)
    if "\n" not in source_or_path and source_or_path.endswith((".py", ".ipynb")):
        return source_or_path  # a path; the judge says so if it does not exist
    target = Path(folder) / f"{problem_id}.py"
    target.write_text(source_or_path, encoding="utf-8")
    return str(target)


def run(kind: str, problem_id: str, source_or_path: str | os.PathLike | None = None, *,
        db: str | os.PathLike | None = None) -> Report:
    """``kind`` is ``test`` (public tests) or ``submit`` (public and hidden, recorded in the history). Source text
    imports the earlier solutions it builds on from the current folder, as the kernel itself does."""
    with tempfile.TemporaryDirectory(prefix="judge-desk-") as folder:
        path = _as_file(problem_id, source_or_path, folder)
        cmd = [sys.executable, "-m", "judge", kind, problem_id, *([path] if path else []), "--json"]
        if path is not None and Path(path).parent == Path(folder):
            cmd += ["--imports-from", os.getcwd()]
        if db is not None and kind == "submit":
            cmd += ["--db", os.fspath(db)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=JUDGE_TIMEOUT_S, check=False)
    if done.returncode not in (0, 1):
        line = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise JudgeCallError(line.removeprefix("judge: error: "))
    return Report(json.loads(done.stdout), kind)


def test(problem_id: str, source_or_path: str | os.PathLike | None = None) -> Report:
    """Public tests of ``problem_id`` on Python source or a file (.py, .ipynb; default workspace/ID.py)."""
    return run("test", problem_id, source_or_path)


def submit(problem_id: str, source_or_path: str | os.PathLike | None = None, *,
           db: str | os.PathLike | None = None) -> Report:
    """Public and hidden tests of ``problem_id``; recorded in the history (``db``: another history file)."""
    return run("submit", problem_id, source_or_path, db=db)


def cell_source(cell: str) -> str:
    """The code of a ``%%judge`` cell as the judge grades it (the rules of judge/engine/notebooks.py)."""
    return cells_source([(1, cell)]).source
