"""Jupyter notebooks as submissions: the code cells a learner means as their solution, as one Python source.

Read with nbformat (the Jupyter project's own reader: every notebook format version, and a clear error for a file
that is not one). Rules, the same for ``judge test``/``submit``, class folders and the ``%%judge`` magic:

- markdown and raw cells are left out; so are IPython-only lines: line magics (``%matplotlib inline``), shell
  lines (``!pip install``), help lines (``np.sum?``), and whole cells under a cell magic (``%%timeit``), except
  ``%%judge``, whose body is the learner's code;
- statements that use the judge itself (``import judge``, ``judge.test(...)``) are left out;
- a cell whose statements are only expressions, ``assert``s and ``pass`` (trying the function out, showing a
  value) is left out; every other code cell is used, in notebook order, even one that does not parse (then the
  verdict is ``invalid``, with the line in the extracted source, which the report maps to cells).

The extracted source is what the isolated worker loads, exactly as a ``.py`` file: the notebook never runs here.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOTEBOOK_SUFFIX = ".ipynb"
MAX_NOTEBOOK_BYTES = 32 << 20  # outputs (images) make notebooks large; the code itself is capped at 1 MiB later
_IPYTHON_LINE = re.compile(r"^\s*(%|!|\?{1,2}[\w.]|[\w.\[\]'\"]+\?{1,2}\s*$)")
_DEMO_STATEMENTS = (ast.Expr, ast.Assert, ast.Pass)


class NotebookError(ValueError):
    """The file is not a readable notebook."""


@dataclass
class Extracted:
    """The Python source a notebook stands for, and which cells it came from."""

    source: str
    used: list[dict[str, Any]] = field(default_factory=list)      # {"cell": n, "lines": [first, last]}
    left_out: list[dict[str, Any]] = field(default_factory=list)  # {"cell": n, "why": "..."}

    def info(self, name: str) -> dict[str, Any]:
        """The ``notebook`` field of a result (judge/schemas/result.schema.json)."""
        return {"file": name, "cells_used": self.used, "left_out": self.left_out}


def is_notebook(path: str | Path) -> bool:
    return str(path).lower().endswith(NOTEBOOK_SUFFIX)


def _is_judge_use(node: ast.stmt) -> bool:
    """``import judge``, ``from judge import ...``, or a statement whose value is a call of ``judge.<name>``."""
    if isinstance(node, ast.Import):
        return any(a.name.partition(".")[0] == "judge" for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").partition(".")[0] == "judge"
    value = getattr(node, "value", None)
    if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(value, ast.Call):
        func = value.func
        while isinstance(func, ast.Attribute):
            func = func.value
        return isinstance(func, ast.Name) and func.id == "judge" and isinstance(value.func, ast.Attribute)
    return False


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def clean_cell(text: str) -> tuple[list[str] | None, list[str]]:
    """The cell's lines with IPython-only lines and uses of the judge blanked (line numbers stay), or None when
    the whole cell is left out; and the reasons."""
    lines = text.splitlines()
    if not lines:
        return None, ["empty"]
    first = lines[0].strip()
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic != "judge":
            return None, [f"cell magic %%{magic}"]
        lines = [""] + lines[1:]
    why: list[str] = []
    for i, line in enumerate(lines):
        if _IPYTHON_LINE.match(line) and not _parses("\n".join(lines)):
            why.append(f"line {i + 1}: IPython-only ({line.strip()[:40]})")
            lines[i] = ""
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return lines, why  # used as written: the worker's file check reports why it does not parse
    for node in tree.body:
        if _is_judge_use(node):
            why.append(f"line {node.lineno}: uses the judge")
            for j in range(node.lineno - 1, (node.end_lineno or node.lineno)):
                lines[j] = ""
    kept = [n for n in tree.body if not _is_judge_use(n)]
    if not kept:
        return None, ["only IPython commands and uses of the judge" if why else "no statements"]
    if all(isinstance(n, _DEMO_STATEMENTS) for n in kept):
        return None, ["only expressions and asserts: trying the code out"]
    return lines, why


def cells_source(cells: list[tuple[int, str]]) -> Extracted:
    """Join ``(number, text)`` code cells into one source by the rules of this module."""
    out: list[str] = []
    extracted = Extracted("")
    for number, text in cells:
        lines, why = clean_cell(text)
        if lines is None:
            extracted.left_out.append({"cell": number, "why": "; ".join(why)})
            continue
        for reason in why:
            extracted.left_out.append({"cell": number, "why": reason})
        out.append(f"# cell {number}")
        first = len(out) + 1
        out.extend(lines)
        extracted.used.append({"cell": number, "lines": [first, len(out)]})
        out.append("")
    extracted.source = "\n".join(out)
    return extracted


def read_notebook(path: str | Path) -> Extracted:
    """The solution source of the notebook at ``path``; NotebookError naming the file when it is not one."""
    import nbformat

    p = Path(path)
    try:
        if p.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"{p}: the notebook is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB; clear its "
                                f"outputs (Jupyter: Edit > Clear All Outputs) and save it again")
        with warnings.catch_warnings():  # a missing cell id and the like: Jupyter itself opens such notebooks
            warnings.simplefilter("ignore")
            nb = nbformat.read(str(p), as_version=4)
    except NotebookError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{p}: cannot be read ({exc})") from None
    except Exception as exc:  # nbformat raises JSON, validation and version errors of many types
        raise NotebookError(f"{p}: not a Jupyter notebook ({type(exc).__name__}: {str(exc)[:200]}); save it "
                            f"from Jupyter again, or pass a .py file") from None
    cells = []
    for i, cell in enumerate(nb.get("cells", []) if isinstance(nb.get("cells"), list) else [], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"{p}: cell {i} is not a valid code cell (its source is not text); save the "
                                f"notebook from Jupyter again, or pass a .py file")
        cells.append((i, source))
    return cells_source(cells)


def notebook_summary(info: dict[str, Any]) -> str:
    """One or two report lines: which cells were graded, and which were left out (compactly)."""
    used = ", ".join(f"{c['cell']} (lines {c['lines'][0]}-{c['lines'][1]})" for c in info["cells_used"]) or "none"
    text = f"notebook {info['file']}: graded code cells {used}"
    groups: dict[str, list[int]] = {}
    for c in info["left_out"]:
        if not c["why"].startswith("line "):
            groups.setdefault(c["why"].split("; ")[-1], []).append(c["cell"])
    if groups:
        text += "\n  left out: " + "; ".join(
            f"cell{'s' if len(cells) > 1 else ''} {', '.join(map(str, cells))} ({why})"
            for why, cells in groups.items())
    lines = [c for c in info["left_out"] if c["why"].startswith("line ")]
    if lines:
        text += f"\n  left out: {len(lines)} line(s) that only IPython runs or that use the judge"
    return text


def notebook_as_python(path: str | Path, folder: str | Path, name: str) -> tuple[Path | None, dict[str, Any] | None,
                                                                                  str | None]:
    """Write the solution source of notebook ``path`` to ``folder/name.py``: (that file, the result's
    ``notebook`` field, None), or (None, None, why) when ``path`` is not a readable notebook."""
    try:
        extracted = read_notebook(path)
    except NotebookError as exc:
        return None, None, str(exc)
    target = Path(folder) / f"{name}.py"
    target.write_text(extracted.source, encoding="utf-8")
    return target, extracted.info(Path(path).name), None
