"""Starting a problem (`judge new ID --track T`) and the learning path of problems/README.md.

`judge new` writes every file a problem needs, complete except for the parts only the author can write, each
marked ``TODO(author): what to write``; `judge validate` reports every such mark, and nothing else, until the
author has written them. The learning path (tracks in the order of problems/tracks.toml with their description,
each problem's title, difficulty and prerequisites in `judge list` order) sits between two markers in
problems/README.md and is written from tracks.toml and every problem.toml; `judge validate` fails a problem whose
track is out of date there.
"""

from __future__ import annotations

import re
from pathlib import Path

from judge.engine.problems import (
    HIDDEN_TESTS,
    METADATA,
    PUBLIC_TESTS,
    STARTER,
    STATEMENT,
    Problem,
    ProblemError,
    list_problems,
    load_problem,
    load_tracks,
    problem_ids,
)

BEGIN = ("<!-- The learning path is written by `judge new` (`judge new --sync` alone) from problems/tracks.toml and "
         "each problem.toml; `judge validate` fails when it is out of date. Edit those files, not this part. -->")
END = "<!-- end of the generated learning path -->"
INTRO = """## Learning path

Tracks come in the order of `problems/tracks.toml`, problems in the order `judge list` shows. Prerequisites are
the problems to do first; a problem may build on an earlier track."""
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _link(pid: str) -> str:
    return f"[{pid}]({pid}/)"


def track_blocks(root: Path) -> dict[str, str]:
    """The learning path's text per track id (heading, description, one line per problem)."""
    tracks = load_tracks(root)
    problems = list_problems(root)
    blocks = {}
    for number, track in enumerate(sorted(tracks.values(), key=lambda t: t.position), start=1):
        lines = [f"### {number}. {track.title} (`{track.id}`)", ""]
        if track.description:
            lines += [track.description, ""]
        for p in problems:
            if p.track.id == track.id:
                pre = ", ".join(_link(x) for x in p.prerequisites) or "none"
                lines.append(f"- {_link(p.id)}: {p.title} ({p.difficulty}). Prerequisites: {pre}.")
        blocks[track.id] = "\n".join(lines).rstrip()
    return blocks


def render_learning_path(root: Path) -> str:
    """The generated part of problems/README.md, markers included."""
    return "\n\n".join([BEGIN, INTRO, *track_blocks(root).values(), END])


def _current_blocks(section: str) -> tuple[str, dict[str, str]]:
    """(intro, {track id: block}) of a generated section as it stands in the README."""
    parts = section.split("\n### ")
    blocks = {}
    for part in parts[1:]:
        block = ("### " + part).strip()
        m = re.match(r"### \d+\. .* \(`(\w+)`\)", block)
        if m:
            blocks[m.group(1)] = block
    return parts[0].strip(), blocks


def _section(text: str) -> str | None:
    if BEGIN not in text or END not in text:
        return None
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()


def learning_path_errors(root: Path, problem: Problem) -> list[str]:
    """Errors when problems/README.md exists and its learning path for ``problem``'s track is out of date."""
    readme = root / "problems" / "README.md"
    if not readme.is_file():
        return []
    fix = "run `judge new --sync` to rewrite it from tracks.toml and problem.toml"
    section = _section(readme.read_text())
    if section is None:
        return [f"{readme}: no generated learning path (the markers '{BEGIN[:40]}...' and '{END}'); {fix}"]
    intro, blocks = _current_blocks(section)
    try:
        wanted = track_blocks(root)
    except ProblemError as exc:
        return [f"{readme}: the learning path cannot be written: {exc}"]
    errors = []
    if intro != INTRO:
        errors.append(f"{readme}: the introduction of the learning path was edited by hand; {fix}")
    if blocks.get(problem.track.id) != wanted.get(problem.track.id):
        errors.append(f"{readme}: the learning path of track '{problem.track.id}' is out of date; {fix}")
    elif list(blocks) != list(wanted):
        errors.append(f"{readme}: the learning path's tracks differ from problems/tracks.toml; {fix}")
    return errors


def write_learning_path(root: Path) -> Path:
    """Rewrite the generated part of problems/README.md (appended when the markers are absent)."""
    readme = root / "problems" / "README.md"
    generated = render_learning_path(root)
    text = readme.read_text() if readme.is_file() else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + generated + text[text.index(END) + len(END):]
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + generated + "\n"
    readme.write_text(text)
    return readme


CONVENTIONS = """- Boolean masks are **True where query i may attend key j** (PyTorch `scaled_dot_product_attention`).
- Ids and counts are `int64`, masks `bool`, float results `float64` unless stated.
- The ignore label is -100; randomized functions take `rng: numpy.random.Generator` and draw only from it.
- Inputs are never mutated; invalid arguments raise `ValueError` naming the argument.
- Results are checked for exact type, dtype and shape before values."""


def _files(pid: str, track: str, order: int) -> dict[str, str]:
    todo = "TODO(author)"
    return {
        METADATA: f'''id = "{pid}"
title = "{todo}: the title `judge list` shows"
track = "{track}"
order = {order}
difficulty = "medium"
entry_points = ["{pid}"]
time_limit_s = 2.0
memory_limit_mb = 1024
hidden_feedback = "summary"
prerequisites = []

[[references]]
title = "{todo}: the library function or paper whose behaviour this problem matches"
''',
        STATEMENT: f"""# {todo}: the title `judge list` shows

## Why it matters
{todo}: its place in causal vs masked pretraining, in a few sentences.

## Contract
```python
def {pid}(x: np.ndarray) -> np.ndarray
```
{todo}: the signature, shapes, dtypes, every convention and every error (type and the argument it names).

## Conventions (all problems)
{CONVENTIONS}

## Examples
{todo}: 1-3 exact worked examples as `>>>` lines in a python block (validate runs them on the reference).
See "Examples are executed" in problems/AUTHORING.md.

## Hints
{todo}: the classic mistakes and how to avoid them.

## References
{todo}: the library behaviour this matches, and what the other convention would do.
""",
        STARTER: f'''"""{todo}: one line saying what to implement (the learner's file starts as this one)."""

import numpy as np


def {pid}(x: np.ndarray) -> np.ndarray:
    """{todo}: the contract in short: arguments, result, errors."""
    raise NotImplementedError
''',
        PUBLIC_TESTS: f'''"""Public tests of {pid}: learners run them with `judge test {pid}` and see full feedback."""

import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.category("correctness")  # or "edge cases", "argument checks", "statistics"
def test_statement_example(sol):
    """{todo}: one line saying what this test checks."""
    x = np.arange(3)  # {todo}: the statement's example, with the expected value computed here
    expect_array(sol.{pid}(x), x, name="{pid}(np.arange(3))")
''',
        HIDDEN_TESTS: f'''"""Hidden tests of {pid}: they run at `judge submit` and grading, and catch every mutant."""

import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.category("correctness")  # parametrized hidden tests: ids=cases() (from judge.checkers.case_ids)
def test_values(sol):
    """{todo}: one line saying what this test checks (shown as 'check failed: ...' under summary feedback)."""
    x = np.arange(5)  # {todo}: inputs that catch every mutant, expected values computed here independently
    expect_array(sol.{pid}(x), x, name="{pid}(x)")
''',
    }


def _reference(pid: str) -> str:
    return f'''"""Reference solution of {pid} (never imported by the tests)."""

import numpy as np


def {pid}(x: np.ndarray) -> np.ndarray:
    raise NotImplementedError  # TODO(author): the reference solution; it must score full marks
'''


def next_order(root: Path, track: str) -> int:
    """The first free order after the track's last problem (tracks own blocks of 100: the first is 1xx)."""
    tracks = load_tracks(root)
    orders = []
    used = set()
    for pid in problem_ids(root):
        try:
            p = load_problem(root, pid, tracks)
        except ProblemError:
            continue
        used.add(p.order)
        if p.track.id == track:
            orders.append(p.order)
    order = max(orders) + 1 if orders else (tracks[track].position + 1) * 100 + 1
    while order in used:
        order += 1
    return order


def create_problem(root: Path, pid: str, track: str) -> list[Path]:
    """Write the skeleton of problem ``pid`` in ``track`` (problem folder, reference, empty mutants folder) and
    rewrite the learning path; returns the files written. ProblemError for a bad id, track or an existing problem."""
    if not ID_PATTERN.match(pid):
        raise ProblemError(f"'{pid}' is not a problem id; use snake_case letters and digits, e.g. causal_mask")
    tracks = load_tracks(root)
    if track not in tracks:
        raise ProblemError(f"track '{track}' is not in problems/tracks.toml ({', '.join(tracks)}); add it there "
                           f"or pass one of those")
    folder, solutions = root / "problems" / pid, root / "solutions" / pid
    for path in (folder, solutions):
        if path.exists():
            raise ProblemError(f"{path}: already exists; pick another id or remove it")
    order = next_order(root, track)
    folder.mkdir(parents=True)
    (solutions / "mutants").mkdir(parents=True)
    written = []
    for name, text in _files(pid, track, order).items():
        (folder / name).write_text(text)
        written.append(folder / name)
    (solutions / "reference.py").write_text(_reference(pid))
    written.append(solutions / "reference.py")
    written.append(write_learning_path(root))
    return written
