"""The author's check of a problem: schema, files, reference full marks, starter zero, every mutant caught."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.problems import HIDDEN_TESTS, PUBLIC_TESTS, Problem, ProblemError, load_problem, problem_ids
from judge.runner import JudgeError, judge_files
from judge.sandbox import select_sandbox
from judge.zygote import zygote_for

MIN_MUTANTS = 3


@dataclass
class Validation:
    problem: str
    errors: list[str] = field(default_factory=list)
    reference: str = "-"
    starter: str = "-"
    mutants_caught: int = 0
    mutants_total: int = 0
    escaped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "problem": self.problem, "ok": self.ok, "errors": self.errors, "reference": self.reference,
            "starter": self.starter, "mutants_caught": self.mutants_caught, "mutants_total": self.mutants_total,
            "escaped": self.escaped,
        }


def _check_files(problem: Problem, v: Validation) -> None:
    statement = problem.statement
    if not statement.is_file() or len(statement.read_text().strip()) < 200:
        v.errors.append(f"{statement}: the statement is missing or too short")
    for name in (PUBLIC_TESTS, HIDDEN_TESTS, "starter.py"):
        if not (problem.path / name).is_file():
            v.errors.append(f"{problem.path / name}: missing")
    if problem.starter.is_file():
        tree = ast.parse(problem.starter.read_text())
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        for ep in problem.entry_points:
            if ep not in defined:
                v.errors.append(f"{problem.starter}: entry point '{ep}' is not defined")
    for name in (PUBLIC_TESTS, HIDDEN_TESTS):
        path = problem.path / name
        if path.is_file():
            if re.search(r"^\s*(from|import)\s+solutions\b", path.read_text(), re.MULTILINE):
                v.errors.append(f"{path}: tests must not import the reference solution")


def validate_problem(root: Path, problem_id: str) -> Validation:
    """Run every check on one problem; errors are collected, never raised."""
    v = Validation(problem_id)
    try:
        problem = load_problem(root, problem_id)
    except ProblemError as exc:
        v.errors.append(str(exc))
        return v
    _check_files(problem, v)
    known = set(problem_ids(root))
    for pre in problem.prerequisites:
        if pre not in known:
            v.errors.append(f"{problem.path / 'problem.toml'}: prerequisite '{pre}' is not a problem id")
    solutions = root / "solutions" / problem_id
    reference = solutions / "reference.py"
    mutants = sorted((solutions / "mutants").glob("*.py"))
    v.mutants_total = len(mutants)
    if len(mutants) < MIN_MUTANTS:
        v.errors.append(f"{solutions / 'mutants'}: {len(mutants)} mutants, at least {MIN_MUTANTS} required")
    if v.errors:
        return v
    try:
        results = _judge_all(problem, [reference, problem.starter, *mutants])
        ref = results[0]
        v.reference = f"{ref['score']:g}/{ref['max_score']:g}"
        if ref["score"] != ref["max_score"] or ref["max_score"] <= 0:
            bad = [f"{t['name']} ({t['status']}: {t['message'][:200]})"
                   for t in ref["tests"] if t["status"] != "passed"]
            v.errors.append(f"{reference}: the reference does not get full marks: {'; '.join(bad[:5])}")
        names = [t["name"] for t in ref["tests"]]
        if len(set(names)) != len(names):
            v.errors.append(f"{problem.path}: test names repeat between tests_public.py and tests_hidden.py")
        if not any(t["visibility"] == "hidden" for t in ref["tests"]):
            v.errors.append(f"{problem.path / HIDDEN_TESTS}: no hidden tests collected")
        start = results[1]
        v.starter = f"{start['score']:g}/{start['max_score']:g}"
        if start["score"] != 0:
            passed = [t["name"] for t in start["tests"] if t["status"] == "passed"]
            v.errors.append(f"{problem.starter}: the starter scores {start['score']:g}, not 0 (passes {passed[:5]})")
        for mutant, res in zip(mutants, results[2:], strict=True):
            caught = any(t["visibility"] == "hidden" and t["status"] != "passed" for t in res["tests"])
            if caught and res["score"] < res["max_score"]:
                v.mutants_caught += 1
            else:
                v.escaped.append(mutant.name)
                v.errors.append(f"{mutant}: no hidden test catches this mutant; strengthen tests_hidden.py")
    except (JudgeError, ProblemError) as exc:
        v.errors.append(str(exc))
    return v


def _judge_all(problem: Problem, files: list[Path]) -> list[dict[str, Any]]:
    """Results of ``files`` in order, judged as one batch (one pytest session; forked workers under bwrap)."""
    spec = select_sandbox("auto")
    zygote = zygote_for(spec)
    try:
        return judge_files(problem, files, "all", sandbox=spec, zygote=zygote)
    finally:
        if zygote is not None:
            zygote.close()
