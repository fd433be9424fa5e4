"""The author's check of a problem (`judge validate`): what problems/AUTHORING.md asks, checked.

Static checks first (schema, files, unique ``order``, statement sections and title, test docstrings, no
``TODO(author)`` left, at least three mutants, the learning path of problems/README.md in sync); when they pass,
the judge runs the reference (full marks, no test failing on its own code), the starter (zero) and every
mutant (each must load and fail a hidden test on its values or behaviour; under ``hidden_feedback = "summary"`` no
hidden test id or message may show an input, judge/authoring/privacy.py), and the statement's ``>>>`` examples
run against the reference (judge/authoring/examples.py).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.authoring.examples import check_statement
from judge.authoring.limits import Cost, measure
from judge.authoring.mutant_feedback import declared_feedback, missing_feedback
from judge.authoring.mutants import drift_errors
from judge.authoring.privacy import privacy_errors
from judge.engine.builds_on import references
from judge.engine.plugin import TestRecord
from judge.engine.problems import (
    GRADING_FILES,
    HIDDEN_TESTS,
    PUBLIC_TESTS,
    STARTER,
    Problem,
    ProblemError,
    load_problem,
    load_tracks,
    problem_ids,
)
from judge.engine.results import CATEGORIES, UNCATEGORIZED
from judge.engine.runner import JudgeError, collect_tests, judge_files
from judge.engine.verdicts import Verdict
from judge.sandbox.launch import select_sandbox
from judge.sandbox.zygote import zygote_for

MIN_MUTANTS = 3
# The statement's sections, in this order (problems/AUTHORING.md names the same list; a test keeps them equal).
REQUIRED_SECTIONS = ("## Why it matters", "## Contract", "## Conventions", "## Examples", "## Hints",
                     "## References")
TODO_MARK = "TODO(author)"
# Test verdicts that show a mutant's values or behaviour are wrong; "judge_error" (the test's own fault) does not,
# nor does a load failure (invalid, forbidden, missing: the file never ran).
CATCHING = frozenset({Verdict.FAILED, Verdict.ERROR, Verdict.TIMEOUT, Verdict.MEMORY, Verdict.CRASHED})
LOAD_VERDICTS = frozenset({Verdict.INVALID, Verdict.FORBIDDEN, Verdict.MISSING})


@dataclass
class Validation:
    problem: str
    errors: list[str] = field(default_factory=list)
    reference: str = "-"
    starter: str = "-"
    mutants_caught: int = 0
    mutants_total: int = 0
    escaped: list[str] = field(default_factory=list)
    cost: str = ""  # the reference's measured cost against the problem's time limits

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "problem": self.problem, "ok": self.ok, "errors": self.errors, "reference": self.reference,
            "starter": self.starter, "mutants_caught": self.mutants_caught, "mutants_total": self.mutants_total,
            "escaped": self.escaped, "cost": self.cost,
        }


def _check_files(problem: Problem, v: Validation) -> None:
    for name in GRADING_FILES:
        if not (problem.path / name).is_file():
            v.errors.append(f"{problem.path / name}: missing; `judge new` writes a skeleton of every problem file")
    if problem.starter.is_file():
        tree = ast.parse(problem.starter.read_text())
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        defined |= {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom)
                    and n.module in problem.builds_on for a in n.names}  # the learner's own earlier solution
        for ep in problem.entry_points:
            if ep not in defined:
                v.errors.append(f"{problem.starter}: entry point '{ep}' is not defined (nor imported from a "
                                f"problem it builds on)")
    for name in (PUBLIC_TESTS, HIDDEN_TESTS):
        path = problem.path / name
        if path.is_file():
            if re.search(r"^\s*(from|import)\s+solutions\b", path.read_text(), re.MULTILINE):
                v.errors.append(f"{path}: tests must not import the reference solution")
            _check_docstrings(path, v)


def _check_docstrings(path: Path, v: Validation) -> None:
    """Every test function has a docstring: its first line is what a summary-feedback failure shows."""
    try:
        tree = ast.parse(path.read_text())
    except SyntaxError as exc:
        v.errors.append(f"{path}:{exc.lineno}: not valid Python ({exc.msg}); fix the syntax")
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test") and not ast.get_docstring(node):
            v.errors.append(f"{path}:{node.lineno}: {node.name} has no docstring; give it one line saying what it "
                            f"checks (a hidden failure under summary feedback shows 'check failed: <docstring>')")


def _check_statement(problem: Problem, v: Validation) -> None:
    statement = problem.statement
    if not statement.is_file():
        return  # reported with the files
    text = statement.read_text()
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first.startswith("# "):
        v.errors.append(f"{statement}:1: the statement starts with '# {problem.title}' (the title of problem.toml)")
    elif first[2:].strip() != problem.title:
        v.errors.append(f"{statement}:1: the title '{first[2:].strip()}' differs from problem.toml's "
                        f"'{problem.title}'; make them equal")
    headings = [line.strip() for line in lines if line.startswith("## ")]
    found = []
    for section in REQUIRED_SECTIONS:
        if not any(h == section or h.startswith(section + " ") for h in headings):
            v.errors.append(f"{statement}: no '{section}' section; problems/AUTHORING.md says what goes in it")
        else:
            found.append(next(i for i, h in enumerate(headings) if h == section or h.startswith(section + " ")))
    if found == sorted(found) and len(text.strip()) < 200:
        v.errors.append(f"{statement}: the statement is too short; problems/AUTHORING.md says what goes in it")
    if found != sorted(found):
        v.errors.append(f"{statement}: the sections are out of order; use {', '.join(REQUIRED_SECTIONS)}")


def _check_todos(problem: Problem, solutions: Path, v: Validation) -> None:
    """A ``TODO(author)`` left by `judge new` in any file of the problem is a hole the author must still fill."""
    files = [problem.path / name for name in GRADING_FILES]
    files += sorted(solutions.rglob("*.py")) if solutions.is_dir() else []
    for path in files:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if TODO_MARK in line:
                what = line.split(TODO_MARK, 1)[1].lstrip(":").strip().rstrip('"').strip() or "write this part"
                v.errors.append(f"{path}:{number}: {TODO_MARK}: {what}")


def _check_order(root: Path, problem: Problem, v: Validation) -> None:
    """``order`` is unique across problems (it places the problem in `judge list` and the learning path)."""
    tracks = load_tracks(root)
    taken = {}
    for pid in problem_ids(root):
        if pid == problem.id:
            continue
        try:
            taken[load_problem(root, pid, tracks).order] = pid
        except ProblemError:
            continue  # that problem's own validation reports it
    if problem.order in taken:
        free = next(n for n in range(problem.order + 1, problem.order + 10_000) if n not in taken)
        v.errors.append(f"{problem.path / 'problem.toml'}: order {problem.order} is also the order of "
                        f"'{taken[problem.order]}'; orders are unique, pick a free one (e.g. {free})")


def _check_learning_path(root: Path, problem: Problem, v: Validation) -> None:
    from judge.authoring.scaffold import learning_path_errors

    v.errors.extend(learning_path_errors(root, problem))


# A problem is cited by its id (`judge list`, `judge show ID` and the learning path show ids, never numbers):
# "problem `causal_mask`", "problems `a`, `b`" or a link "[causal_mask](../causal_mask/)". A bare number
# ("problem 501", "problems 701-702") and an id that is no problem are errors; other numbers (positions, token
# ids, "709.78") are not citations.
BARE_NUMBER = re.compile(r"\bproblems?\s+(?:no\.?\s*|#\s*)?\d+(?:\s*(?:-|–|to|and)\s*\d+)?\b", re.IGNORECASE)
CITED_IDS = re.compile(r"\bproblems?\s+((?:`[^`\n]+`(?:\s*,\s*|\s+and\s+|\s+or\s+)?)+)", re.IGNORECASE)
LINKED_ID = re.compile(r"\]\(\.\./(\w+)/")


def citation_errors(path: Path, text: str, known: set[str]) -> list[str]:
    """One line per citation of a problem by number, or by an id that is not a problem, in ``text``."""
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        for m in BARE_NUMBER.finditer(line):
            errors.append(f"{path}:{number}: '{m.group(0)}' cites a problem by number; cite it by id in backticks "
                          f"(e.g. problem `causal_mask`): learners see ids in `judge list`, not numbers")
        cited = [word for m in CITED_IDS.finditer(line) for word in re.findall(r"`([^`]+)`", m.group(1))]
        cited += LINKED_ID.findall(line)
        for pid in cited:
            if pid not in known:
                errors.append(f"{path}:{number}: cites problem '{pid}', which is not a problem id; use an id "
                              f"that `judge list` shows (a folder of problems/)")
    return errors


def _check_citations(problem: Problem, known: set[str], v: Validation) -> None:
    """The statement and the starter cite other problems by id, never by number."""
    for path in (problem.statement, problem.starter):
        if path.is_file():
            v.errors.extend(citation_errors(path, path.read_text(), known))


def _check_categories(problem: Problem, tests: list[dict[str, Any]], v: Validation) -> None:
    """Every test declares its kind with ``@pytest.mark.category(NAME)``, NAME one of CATEGORIES (on the test, or
    for a whole file with ``pytestmark``)."""
    for t in tests:
        if t.get("category") not in CATEGORIES:
            file = PUBLIC_TESTS if t["visibility"] == "public" else HIDDEN_TESTS
            got = "no category" if t.get("category", UNCATEGORIZED) == UNCATEGORIZED else f"'{t['category']}'"
            v.errors.append(f"{problem.path / file}: {t['name']} has {got}; mark it "
                            f"@pytest.mark.category(NAME) with NAME one of {', '.join(CATEGORIES)}")


def validate_problem(root: Path, problem_id: str) -> Validation:
    """Run every check on one problem; errors are collected, never raised."""
    v = Validation(problem_id)
    try:
        problem = load_problem(root, problem_id)
    except ProblemError as exc:
        v.errors.append(str(exc))
        return v
    solutions = root / "solutions" / problem_id
    reference = solutions / "reference.py"
    mutants = sorted((solutions / "mutants").glob("*.py"))
    v.mutants_total = len(mutants)
    _check_files(problem, v)
    _check_statement(problem, v)
    _check_todos(problem, solutions, v)
    _check_order(root, problem, v)
    _check_learning_path(root, problem, v)
    known = set(problem_ids(root))
    _check_citations(problem, known, v)
    for pre in problem.prerequisites:
        if pre not in known:
            v.errors.append(f"{problem.path / 'problem.toml'}: prerequisite '{pre}' is not a problem id")
    _check_builds_on(root, problem, known, v)
    if not reference.is_file():
        v.errors.append(f"{reference}: missing; write the reference solution there")
    if len(mutants) < MIN_MUTANTS:
        v.errors.append(f"{solutions / 'mutants'}: {len(mutants)} mutants, at least {MIN_MUTANTS} required; add "
                        f"<bug>.py files, each a plausible learner mistake named in its docstring")
    if v.errors:
        return v
    try:
        results, cost = _judge_all(problem, [reference, problem.starter, *mutants])
    except (JudgeError, ProblemError) as exc:
        v.errors.append(str(exc))
        return v
    v.cost = cost.line()
    v.errors.extend(f"{problem.path / 'problem.toml'}: {why}" for why in cost.problems)
    _check_reference(problem, reference, results[0], v)
    _check_categories(problem, results[0]["tests"], v)
    v.errors.extend(privacy_errors(problem, results[0]["tests"], list(zip(mutants, results[2:], strict=True))))
    start = results[1]
    v.starter = f"{start['score']:g}/{start['max_score']:g}"
    if start["score"] != 0:
        passed = [t["name"] for t in start["tests"] if t["status"] == Verdict.PASSED]
        v.errors.append(f"{problem.starter}: the starter scores {start['score']:g}, not 0 (passes {passed[:5]})")
    for mutant, res in zip(mutants, results[2:], strict=True):
        _check_mutant(mutant, res, v)
    v.errors.extend(drift_errors(reference, mutants, [p for p in references(problem).values() if p is not None]))
    v.errors.extend(check_statement(problem.statement, reference, problem.entry_points,
                                    {k: p for k, p in references(problem).items() if p is not None}))
    return v


def _check_reference(problem: Problem, reference: Path, ref: dict[str, Any], v: Validation) -> None:
    v.reference = f"{ref['score']:g}/{ref['max_score']:g}"
    for t in ref["tests"]:
        if t["status"] == Verdict.JUDGE_ERROR:
            file = PUBLIC_TESTS if t["visibility"] == "public" else HIDDEN_TESTS
            v.errors.append(f"{problem.path / file}: {t['name']}: {t['message'][:300]}; fix the test")
    if ref.get("message"):  # a load failure
        v.errors.append(f"{reference}: the reference does not load ({ref['message'][:300]})")
    elif ref["score"] != ref["max_score"] or ref["max_score"] <= 0:
        bad = [f"{t['name']} ({t['status']}: {t['message'][:200]})"
               for t in ref["tests"] if t["status"] not in (Verdict.PASSED, Verdict.JUDGE_ERROR)]
        if bad or ref["max_score"] <= 0:
            v.errors.append(f"{reference}: the reference does not get full marks: {'; '.join(bad[:5])}")
    names = [t["name"] for t in ref["tests"]]
    if len(set(names)) != len(names):
        v.errors.append(f"{problem.path}: test names repeat between {PUBLIC_TESTS} and {HIDDEN_TESTS}")
    if not any(t["visibility"] == "hidden" for t in ref["tests"]):
        v.errors.append(f"{problem.path / HIDDEN_TESTS}: no hidden tests collected")


def _check_mutant(mutant: Path, res: dict[str, Any], v: Validation) -> None:
    """A mutant is caught when a hidden test fails on its values or behaviour; one that does not load (a syntax
    error, a forbidden import, a missing entry point) proves nothing about the tests and is an authoring error."""
    unloaded = [t for t in res["tests"] if t["status"] in LOAD_VERDICTS]
    if res.get("message") or unloaded:  # a load failure, or a call that found no such function
        why = res.get("message") or f"{unloaded[0]['status']}: {unloaded[0]['message']}"
        v.escaped.append(mutant.name)
        v.errors.append(f"{mutant}: the mutant does not load ({why[:200]}); a mutant must import, define every "
                        f"entry point and be wrong only in what it computes")
        return
    caught = any(t["visibility"] == "hidden" and t["status"] in CATCHING for t in res["tests"])
    for phrase in missing_feedback(declared_feedback(mutant), res):
        said = next((t["message"].splitlines()[0] for t in res["tests"] if t["status"] != Verdict.PASSED
                     and t["message"]), "nothing")
        v.errors.append(f"{mutant}: its docstring says a learner should be told \"{phrase}\", but no failing "
                        f"test's feedback says it (the first says: {said[:160]}); fix the test's message or hint, "
                        f"or the phrase")
    if caught and res["score"] < res["max_score"]:
        v.mutants_caught += 1
    else:
        v.escaped.append(mutant.name)
        v.errors.append(f"{mutant}: no hidden test catches this mutant; strengthen {HIDDEN_TESTS}")


def _check_builds_on(root: Path, problem: Problem, known: set[str], v: Validation) -> None:
    """builds_on names earlier problems the learner has solved (prerequisites, directly or through others), and
    holds what each of them builds on (the worker loads only the files listed)."""
    toml = problem.path / "problem.toml"
    reached: set[str] = set()
    todo = list(problem.prerequisites)
    while todo:
        pid = todo.pop()
        if pid in reached or pid not in known:
            continue
        reached.add(pid)
        todo.extend(load_problem(root, pid).prerequisites)
    for dep in problem.builds_on:
        if dep not in known:
            v.errors.append(f"{toml}: builds_on '{dep}' is not a problem id")
            continue
        if dep not in reached:
            v.errors.append(f"{toml}: builds_on '{dep}' is not among its prerequisites (directly or through "
                            f"theirs); add it to prerequisites")
        missing = [d for d in load_problem(root, dep).builds_on if d not in problem.builds_on]
        if missing:
            v.errors.append(f"{toml}: builds_on '{dep}', which builds on {', '.join(missing)}; list "
                            f"{'them' if len(missing) > 1 else 'it'} in builds_on too")


def _authoring_builds_on(problem: Problem) -> Any:
    """What authoring files build on: the starter on the earlier problems' starters (nothing solved yet, so it
    still scores 0), the reference and the mutants on their references."""
    starters = {dep: problem.path.parent / dep / STARTER for dep in problem.builds_on}
    refs = references(problem)

    def found(_key: Any, path: str) -> tuple[dict[str, Path | None], str]:
        if Path(path).resolve() == problem.starter.resolve():
            return {d: (p if p.is_file() else None) for d, p in starters.items()}, "among the starters"
        return refs, "among the references (solutions/<id>/reference.py)"
    return found


def _judge_all(problem: Problem, files: list[Path]) -> tuple[list[dict[str, Any]], Cost]:
    """Results of ``files`` in order (forked workers under bwrap): the reference and the starter (``files[:2]``)
    with full feedback on hidden tests so that the author sees every message, the mutants under the problem's own
    policy (what learners would see, for the privacy check); and the reference's measured cost against the
    problem's time limits (the larger of two runs per test)."""
    as_learners_see = problem
    problem = dataclasses.replace(problem, meta={**problem.meta, "hidden_feedback": "full"})
    spec = select_sandbox("auto")
    zygote = zygote_for(spec)
    first_run: list[float] = []

    def seen(record: TestRecord) -> None:
        if len(first_run) < len(tests):
            first_run.append(record.cpu_s)

    try:
        tests = collect_tests(problem)
        found = _authoring_builds_on(problem)
        results = judge_files(problem, files[:2], "all", sandbox=spec, zygote=zygote, on_test=seen, builds_on=found)
        results += judge_files(as_learners_see, files[2:], "all", sandbox=spec, zygote=zygote, builds_on=found)
        cost = measure(problem, repeats=1, sandbox=spec, zygote=zygote)
        cost.per_test_s = [max(a, b) for a, b in zip(first_run, cost.per_test_s, strict=False)] or cost.per_test_s
        cost.total_s = max(cost.total_s, sum(first_run))
        return results, cost
    finally:
        if zygote is not None:
            zygote.close()
