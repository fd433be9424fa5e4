"""Building on your own solutions: the earlier files a submission imports, found, read and checked here.

A problem may declare ``builds_on = ["tiny_transformer", ...]`` (problem.toml). Its learner's file may then
``from tiny_transformer import forward``: the module is the learner's *own* solution of that problem, and nothing
else. Where that file comes from is one rule per caller, decided on the trusted side:

- ``judge test`` / ``judge submit``: ``<id>.py`` (else ``<id>.ipynb``) in the submission's folder (or the folder
  ``--imports-from`` names), as Python itself would import it when the learner runs the file; a file under the
  repository's ``solutions/`` builds on the references (authors' material, never a learner's);
- ``judge grade`` and the autograder: the same student's file for that problem, as the class roster matched it
  (links refused); never another student's, never a reference.

Only the files the submission reaches through ``import`` statements (transitively) are read. Each is inspected
like the submission (parses, imports only what this problem allows) and sent to the worker as text in its first
message; the worker loads it from memory (:mod:`judge.isolated.worker`), so nothing the submission does can change
it, and a builds-on name that was not sent cannot be imported from anywhere else. A missing file is not an error
here: importing it fails in the worker with a message that says where the file was looked for.
"""

from __future__ import annotations

import ast
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from judge.engine.executor import Outcome
from judge.engine.inspection import inspect_source
from judge.engine.notebooks import MAX_NOTEBOOK_BYTES, NotebookError, read_notebook
from judge.engine.problems import Problem
from judge.engine.results import sha256_bytes
from judge.engine.verdicts import Seen, decide

MAX_COMPANION_BYTES = 1 << 20


@dataclass
class Shipped:
    """What a submission takes into its worker: per builds-on module, ``{"file", "source"}`` or ``{"missing":
    message}`` (what importing it raises), the result's ``builds_on`` records (problem, file, sha256), and the
    outcome of the whole submission when a file it imports cannot be used."""

    modules: dict[str, dict[str, str]] = field(default_factory=dict)
    records: list[dict[str, str]] = field(default_factory=list)
    refusal: Outcome | None = None


def imported_names(source: str, names: set[str]) -> set[str]:
    """The names among ``names`` that ``source`` imports with an import statement (top-level module names)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
    return found & names


def _regular_file(path: Path) -> bool:
    """A plain file, not a link (a link could name another student's file), not a fifo or device."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def beside(problem: Problem, folder: str | os.PathLike) -> dict[str, Path | None]:
    """The builds-on files of ``problem`` in ``folder``: ``<id>.py``, else ``<id>.ipynb`` (None when neither)."""
    out: dict[str, Path | None] = {}
    for dep in problem.builds_on:
        found = [Path(folder) / f"{dep}{ext}" for ext in (".py", ".ipynb")]
        out[dep] = next((p for p in found if _regular_file(p)), None)
    return out


def references(problem: Problem) -> dict[str, Path | None]:
    """The reference solutions of ``problem``'s builds-on problems (what authors' files under solutions/ use)."""
    solutions = problem.path.parent.parent / "solutions"
    return {dep: (solutions / dep / "reference.py") if (solutions / dep / "reference.py").is_file() else None
            for dep in problem.builds_on}


def locate(problem: Problem, submission: str | os.PathLike, imports_from: str | os.PathLike | None = None
           ) -> dict[str, Path | None]:
    """Where a local submission's builds-on files are: ``imports_from`` or its folder, or the references for a
    file under this repository's ``solutions/``."""
    if not problem.builds_on:
        return {}
    if imports_from is not None:
        return beside(problem, imports_from)
    solutions = (problem.path.parent.parent / "solutions").resolve()
    if solutions in Path(submission).resolve().parents:
        return references(problem)
    return beside(problem, Path(submission).resolve().parent)


def _read(path: Path) -> tuple[str, str]:
    """The Python text of a builds-on file (a notebook's graded cells) and the SHA-256 of the bytes read;
    ValueError with why it cannot be used."""
    if path.suffix == ".ipynb":  # its outputs may be large: the notebook reader has its own cap
        try:
            data = path.read_bytes() if path.stat().st_size <= MAX_NOTEBOOK_BYTES else b""
            text = read_notebook(path).source
        except NotebookError as exc:
            raise ValueError(str(exc)) from None
    else:
        data = path.read_bytes()
        if len(data) > MAX_COMPANION_BYTES:
            raise ValueError(f"larger than {MAX_COMPANION_BYTES >> 10} KiB")
        text = data.decode("utf-8")
    if len(text) > MAX_COMPANION_BYTES:  # a notebook's code cells
        raise ValueError(f"its code is larger than {MAX_COMPANION_BYTES >> 10} KiB")
    return text, sha256_bytes(data)


def ship(problem: Problem, source: str, located: dict[str, Path | None], where: str) -> Shipped:
    """The builds-on files ``source`` reaches through import statements (transitively), read from ``located`` and
    inspected with this problem's allow-list; ``where`` says where a missing one was looked for."""
    shipped = Shipped()
    names = set(problem.builds_on)
    pending = sorted(imported_names(source, names))
    while pending:
        dep = pending.pop(0)
        if dep in shipped.modules:
            continue
        path = located.get(dep)
        if path is None:
            shipped.modules[dep] = {"missing": (
                f"No module named '{dep}': your file imports your solution of {dep}, but there is no {dep}.py "
                f"(or {dep}.ipynb) {where}; put it there, or define what you use from it in this file")}
            continue
        what = f"{path.name} (your solution of {dep}, which your file imports)"
        try:
            text, sha = _read(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            shipped.refusal = Outcome(decide(Seen.FILE_UNLOADABLE), message=f"{what} cannot be used: {exc}")
            return shipped
        refused = inspect_source(text.encode("utf-8"), problem.allowed_imports)
        if refused is not None:
            shipped.refusal = Outcome(refused.verdict, message=f"{what}: {refused.message}")
            return shipped
        shipped.modules[dep] = {"file": f"{dep}.py", "source": text}
        shipped.records.append({"problem": dep, "file": path.name, "sha256": sha})
        pending.extend(sorted(imported_names(text, names) - set(shipped.modules)))
    for dep in sorted(names - set(shipped.modules)):  # never named by an import statement: nothing of it loads
        shipped.modules[dep] = {"missing": f"No module named '{dep}': import your solution of {dep} with an "
                                          f"import statement (from {dep} import ...)"}
    shipped.records.sort(key=lambda r: r["problem"])
    return shipped
