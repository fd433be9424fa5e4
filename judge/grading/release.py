"""``judge release``: the student distribution, and the scan that proves it leaks nothing.

A release holds the judge package, ``pyproject.toml``, a student README and Makefile (set-up and the learner
commands only, each of which works in the release), ``problems/tracks.toml``, the curriculum README listing only
the released problems and, per problem, ``problem.toml``, the statement, the starter and the public tests. It
never holds hidden tests, reference solutions or mutants. ``.judge-release.json`` at its root records, per
problem, how many hidden tests (and points) exist, so ``judge submit`` in a release can say plainly that they run
at grading.

After writing, every file of the release is scanned for the secrets of every problem in the source repository:
a file named like a hidden test or a solution, any line of a hidden test, reference or mutant that is
distinctive (long enough, not a function signature, and not shared with the starters, public tests or the
judge's own code, which are public anyway), and the name of any hidden test that no public test file uses.
A release that fails the scan is deleted.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from judge import __version__
from judge.engine.problems import (
    HIDDEN_TESTS,
    PUBLIC_TESTS,
    RELEASE_FILES,
    STARTER,
    ProblemError,
    load_problem,
    package_files,
    problem_ids,
)

MARKER = ".judge-release.json"
MIN_LINE = 24

STUDENT_MAKEFILE = """\
# Student release of lm-judge: `make install` once, then `. .venv/bin/activate` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo clean

$(STAMP): pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
\ttouch $(STAMP)

install: $(STAMP) ## create .venv and install the judge
\t@echo "Installed. Now run this in your shell (every judge command needs it):  . .venv/bin/activate"

demo: $(STAMP) ## list the problems, then run the public tests of the first one on its untouched starter
\t$(BIN)/judge list
\t@echo
\t@echo "The next report is MEANT TO FAIL: it tests the untouched starter of {first}, which you will write."
\t@$(BIN)/judge test {first} problems/{first}/starter.py || echo "(that failure was expected)"
\t@echo
\t@echo "Now run this in your shell (every judge command needs it):  . .venv/bin/activate"
\t@echo "then:  judge next"

clean:
\trm -rf $(VENV) .judge
"""

STUDENT_README = """\
# lm-judge: causal vs masked language models, in NumPy

Exercises for the chapter on **causal vs masked language models**: you implement the pieces that make the
difference real (attention masks, masked-LM corruption, next-token data, losses, attention, decoding) in pure
NumPy, and the `judge` command tests your code and reports a score. This release holds {count} problem(s); the
learning path is in [problems/README.md](problems/README.md).

## Set up (two commands)

```sh
make install               # creates .venv and installs the judge (Python 3.10 or newer)
. .venv/bin/activate       # in every new shell: without it you get "judge: command not found"
```

## The five commands

```sh
judge list                 # the problems in learning order, your best score, your progress
judge show {first}    # the statement: contract, conventions, examples
judge start {first}   # copies the starter to workspace/{first}.py
judge test {first}    # the public tests on workspace/{first}.py, with full feedback
judge submit {first}  # the same tests, recorded in your history
```

Also: `judge next` (what to do next), `judge hint ID` (the statement's hints, one at a time),
`judge history` (past submissions; `judge history --attempt N` shows one in full and what changed).

## A 30-second walkthrough

1. `judge next` names the first problem; `judge show {first}` prints its statement.
2. `judge start {first}`, then edit `workspace/{first}.py` in your editor.
3. `judge test {first}` until every public test passes; each failure says what was expected and what you got.
4. `judge submit {first}` records the attempt; `judge list` shows your progress.

## Your score here and your grade

This release has only the **public** tests. The hidden tests stay with your instructor and run when your
work is graded, so your grade can be lower than the score you see here: read each statement's conventions
(mask polarity, -100, dtypes, errors) carefully, and test the edge cases it names. Your solution may import NumPy
and the standard modules `judge show ID` lists; anything else (torch, scipy, os, ...) is the verdict `forbidden`.

Exit codes: 0 every test passed, 1 some test did not, 2 a usage or input error (one line says what to fix),
3 the judge itself failed.
"""


def student_readme(ids: list[str]) -> str:
    """The README of a release: set-up, the learner commands and what a release's score means."""
    return STUDENT_README.format(count=len(ids), first=ids[0])


def released_problems_readme(text: str, ids: list[str]) -> str:
    """problems/README.md for a release: list items of problems that are not released are dropped, and so are the
    track sections they leave empty; links to problems that are not released become plain names."""
    released = set(ids)
    item = re.compile(r"^- \[(\w+)\]\(\1/\)")
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("#"):
            sections.append([])
        sections[-1].append(line)
    out: list[str] = []
    for section in sections:
        items = [line for line in section if item.match(line)]
        kept = [line for line in section if not (m := item.match(line)) or m.group(1) in released]
        if items and len(kept) == len(section) - len(items):
            continue  # a track with none of its problems released
        out.extend(kept)
    body = "\n".join(out).replace("runs public and\nhidden tests and records your score",
                                   "records your score\n(the hidden tests run when your instructor grades)")
    return re.sub(r"\[(\w+)\]\(\1/\)", lambda m: m.group(0) if m.group(1) in released else f"`{m.group(1)}`",
                  body) + "\n"


@dataclass
class ReleaseReport:
    out: Path
    problems: list[str]
    files: int = 0
    markers: int = 0
    leaks: list[str] = field(default_factory=list)


def released_hidden(root: Path, problem_id: str) -> dict | None:
    """In a release: {"tests": n, "points": p} of the hidden tests of ``problem_id`` that were left out."""
    marker = root / MARKER
    if not marker.is_file():
        return None
    try:
        info = json.loads(marker.read_text())["problems"].get(problem_id)
    except (ValueError, KeyError, AttributeError):
        return None
    return info if isinstance(info, dict) and info.get("tests") else None


def _hidden_summary(root: Path, pid: str) -> dict:
    from judge.engine.runner import collect_tests

    problem = load_problem(root, pid)
    if not problem.has_hidden_tests:
        return {"tests": 0, "points": 0}
    try:
        hidden = [t for t in collect_tests(problem) if t["visibility"] == "hidden"]
    except Exception:  # the count is informative only; the hidden tests still exist
        return {"tests": 1, "points": None}
    return {"tests": len(hidden), "points": sum(t["max_score"] for t in hidden)}


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def secret_markers(root: Path) -> tuple[set[str], set[str], set[str]]:
    """(distinctive secret lines, hidden test names, secret file texts) of every problem in ``root``."""
    public: set[str] = set()
    for f, rel in package_files():
        if rel.endswith(".py"):
            public |= _lines(f.read_text(errors="replace"))
    secrets: list[str] = []
    ids = problem_ids(root)
    for pid in ids:
        folder = root / "problems" / pid
        for name in (STARTER, PUBLIC_TESTS):
            if (folder / name).is_file():
                public |= _lines((folder / name).read_text(errors="replace"))
        if (folder / HIDDEN_TESTS).is_file():
            secrets.append((folder / HIDDEN_TESTS).read_text(errors="replace"))
        sol = root / "solutions" / pid
        if sol.is_dir():
            secrets.extend(f.read_text(errors="replace") for f in sorted(sol.rglob("*.py")))
    lines, names = set(), set()
    for text in secrets:
        for line in _lines(text):
            m = re.match(r"def (test_\w+)\s*\(", line)
            if m:
                names.add(m.group(1))
            elif line.startswith("def "):  # a signature is the public contract, in every statement
                continue
            if len(line) >= MIN_LINE and line not in public and not line.startswith(("import ", "from ", "#")):
                lines.add(line)
    public_names = {m.group(1) for line in public if (m := re.match(r"def (test_\w+)\s*\(", line))}
    names -= public_names
    return lines, names, {t.strip() for t in secrets if t.strip()}


def scan_release(out: Path, source_root: Path) -> tuple[list[str], int]:
    """Leaks found in ``out`` (one line each) and how many distinctive strings were searched for."""
    lines, names, texts = secret_markers(source_root)
    name_re = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b") if names else None
    leaks = []
    for f in sorted(out.rglob("*")):
        rel = f.relative_to(out)
        if f.is_dir():
            if f.name in ("solutions", "mutants"):
                leaks.append(f"{rel}: a solutions folder")
            continue
        if f.name == HIDDEN_TESTS or f.name == "reference.py":
            leaks.append(f"{rel}: a hidden test or reference file")
        text = f.read_text(errors="replace")
        found = sorted(_lines(text) & lines)
        if found:
            leaks.append(f"{rel}: {len(found)} line(s) of hidden tests or solutions, e.g. {found[0][:80]!r}")
        if name_re is not None and (m := name_re.search(text)):
            leaks.append(f"{rel}: names the hidden test {m.group(1)}")
        stripped = text.strip()
        if stripped and any(stripped == t for t in texts):
            leaks.append(f"{rel}: a copy of a hidden test or solution file")
    return leaks, len(lines) + len(names) + len(texts)


def build_release(root: Path, out: Path, problems: list[str]) -> ReleaseReport:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ProblemError(f"{out}: already exists and is not empty; pass a new folder")
    out_resolved = out.resolve()
    if out_resolved == root.resolve() or root.resolve() in out_resolved.parents and \
            out_resolved.relative_to(root.resolve()).parts[0] in ("problems", "solutions", "judge"):
        raise ProblemError(f"{out}: inside the repository's problems, solutions or judge folder; pass another folder")
    ids = list(dict.fromkeys(problems)) or problem_ids(root)
    loaded = [load_problem(root, pid) for pid in ids]
    out.mkdir(parents=True, exist_ok=True)
    report = ReleaseReport(out, ids)
    package = Path(__file__).resolve().parent.parent
    for f, rel in package_files():
        (out / "judge" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, out / "judge" / rel)
    if (root / "pyproject.toml").is_file():
        shutil.copyfile(root / "pyproject.toml", out / "pyproject.toml")
    elif (package.parent / "pyproject.toml").is_file():
        shutil.copyfile(package.parent / "pyproject.toml", out / "pyproject.toml")
    in_order = [p.id for p in sorted(loaded, key=lambda p: (p.track.position, p.order, p.id))]
    first = in_order[0] if in_order else ""
    (out / "README.md").write_text(student_readme(in_order))
    (out / "Makefile").write_text(STUDENT_MAKEFILE.replace("{first}", first))
    (out / ".gitignore").write_text(".venv/\nworkspace/\n.judge/\n__pycache__/\n*.egg-info/\n")
    (out / "problems").mkdir()
    shutil.copyfile(root / "problems" / "tracks.toml", out / "problems" / "tracks.toml")
    if (root / "problems" / "README.md").is_file():
        (out / "problems" / "README.md").write_text(
            released_problems_readme((root / "problems" / "README.md").read_text(), in_order))
    hidden = {}
    for problem in loaded:
        target = out / "problems" / problem.id
        target.mkdir()
        for name in RELEASE_FILES:
            if (problem.path / name).is_file():
                shutil.copyfile(problem.path / name, target / name)
        hidden[problem.id] = _hidden_summary(root, problem.id)
    (out / MARKER).write_text(json.dumps(
        {"release": True, "judge_version": __version__, "problems": hidden}, indent=2, sort_keys=True) + "\n")
    report.files = sum(1 for f in out.rglob("*") if f.is_file())
    report.leaks, report.markers = scan_release(out, root)
    if report.leaks:
        shutil.rmtree(out)
    return report
