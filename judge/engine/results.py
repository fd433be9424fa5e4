"""The one result model: building it, validating it against judge/schemas/result.schema.json."""

from __future__ import annotations

import hashlib
from typing import Any

from judge import judge_version
from judge.engine.problems import Problem, validator
from judge.engine.verdicts import TEST_VERDICTS, Seen, Verdict, decide, result_status

__all__ = ["TEST_VERDICTS", "build_result", "deadline_result", "missing_result", "sha256_bytes", "unjudged_result",
           "validate_result"]

MISSING_SHA256 = "0" * 64  # the solution hash of a submission file that does not exist

# The kinds of test a problem's tests declare with @pytest.mark.category(NAME) (checked by judge validate);
# "uncategorized" is what a test without the marker gets.
CATEGORIES = ("correctness", "edge cases", "argument checks", "statistics")
UNCATEGORIZED = "uncategorized"


def category_scores(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Score per kind of test, in the order the kinds first appear: category, score, max_score, tests."""
    out: dict[str, dict[str, Any]] = {}
    for t in tests:
        name = t.get("category", UNCATEGORIZED)
        c = out.setdefault(name, {"category": name, "score": 0.0, "max_score": 0.0, "tests": 0})
        c["score"] = round(c["score"] + t["score"], 6)
        c["max_score"] = round(c["max_score"] + t["max_score"], 6)
        c["tests"] += 1
    return list(out.values())


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_result(
    *,
    problem: str,
    tests: list[dict[str, Any]],
    duration_s: float,
    solution_sha256: str,
    tests_sha256: str,
    visibility: str,
    sandbox: str,
    load_failure: str | None = None,
    stdout: str = "",
    stderr: str = "",
    validate: bool = True,
    notebook: dict[str, Any] | None = None,
    containment: dict[str, str] | None = None,
    builds_on: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Assemble (and, unless ``validate`` is False, validate) a result. The score is the sum of the points of
    passed tests. The test suite validates every path's results, so the CLI may skip the check for speed."""
    score = sum(t["score"] for t in tests)
    max_score = sum(t["max_score"] for t in tests)
    status = result_status((t["status"] for t in tests), loaded=load_failure is None)
    result: dict[str, Any] = {
        "problem": problem,
        "status": status,
        "score": round(score, 6),
        "max_score": round(max_score, 6),
        "duration_s": round(duration_s, 4),
        "judge_version": judge_version(),
        "solution_sha256": solution_sha256,
        "tests_sha256": tests_sha256,
        "visibility": visibility,
        "sandbox": sandbox,
        "tests": tests,
        "categories": category_scores(tests),
    }
    if containment:
        result["containment"] = containment
    if load_failure is not None:
        result["message"] = load_failure
    if stdout:
        result["stdout"] = stdout
    if stderr:
        result["stderr"] = stderr
    if notebook is not None:
        result["notebook"] = notebook
    if builds_on:
        result["builds_on"] = builds_on
    if validate:
        validate_result(result)
    return result


def validate_result(result: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if ``result`` does not follow the result schema."""
    validator("result.schema.json").validate(result)


MISSING_MESSAGE = "no submission: {name} was not found in the student's folder"


def unjudged_result(problem: Problem, tests: list[dict[str, Any]], sandbox: str, verdict: Verdict,
                    message: str) -> dict[str, Any]:
    """A result whose file was never run: every test ``verdict`` with ``message``, score 0."""
    return build_result(
        problem=problem.id,
        tests=[{**t, "status": verdict, "score": 0.0, "message": message, "duration_s": 0.0} for t in tests],
        duration_s=0.0, solution_sha256=MISSING_SHA256, tests_sha256=problem.tests_sha256("all"),
        visibility="all", sandbox=sandbox,
    )


def missing_result(problem: Problem, tests: list[dict[str, Any]], sandbox: str) -> dict[str, Any]:
    """The result of a pair with no file: every test ``missing``, score 0, status ``missing``."""
    message = MISSING_MESSAGE.format(name=f"{problem.id}.py")
    result = unjudged_result(problem, tests, sandbox, decide(Seen.NO_FILE), message)
    result["status"] = result_status((), submitted=False)
    result["message"] = message
    validate_result(result)
    return result


def deadline_result(problem: Problem, tests: list[dict[str, Any]], sandbox: str, message: str) -> dict[str, Any]:
    """The result of a problem an overall deadline left ungraded: every test ``timeout`` with ``message``."""
    return unjudged_result(problem, tests, sandbox, decide(Seen.DEADLINE_UNGRADED), message)
