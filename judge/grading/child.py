"""A grading child: ``python -m judge.grading.child`` grades the pairs it reads on stdin, one JSON line each.

Request: ``{"id": n, "problem": ID, "path": FILE or null, "sandbox": TIER}``. Reply, one line on the original
stdout: ``{"id": n, "ok": true, "result": RESULT}`` or ``{"id": n, "ok": false, "error": "one line"}``. pytest
runs in this process (the judge core's runner), so file descriptor 1 is pointed at stderr before anything runs:
nothing printed by pytest, NumPy or a test can ever reach the reply channel.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from judge.problems import Problem, find_root, load_problem
from judge.results import build_result, validate_result
from judge.runner import collect_tests
from judge.sandbox import select_sandbox

from .gradebook import MISSING_SHA256

MISSING_MESSAGE = "no submission: {name} was not found in the student's folder"


def missing_result(problem: Problem, tests: list[dict[str, Any]], sandbox: str) -> dict[str, Any]:
    """The result of a pair with no file: every test ``missing``, score 0, status ``missing``."""
    message = MISSING_MESSAGE.format(name=f"{problem.id}.py")
    result = build_result(
        problem=problem.id,
        tests=[{**t, "status": "missing", "score": 0.0, "message": message, "duration_s": 0.0} for t in tests],
        duration_s=0.0, solution_sha256=MISSING_SHA256, tests_sha256=problem.tests_sha256("all"),
        visibility="all", sandbox=sandbox,
    )
    result["status"] = "missing"
    result["message"] = message
    validate_result(result)
    return result


class Grader:
    """Grades pairs in this process; problems and their test lists are cached."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or find_root()
        self.problems: dict[str, Problem] = {}
        self.collected: dict[str, list[dict[str, Any]]] = {}
        self.spare = None  # a worker booting for the next pair while this one is judged

    def close(self) -> None:
        if self.spare is not None:
            self.spare.close()
            self.spare = None

    def problem(self, pid: str) -> Problem:
        if pid not in self.problems:
            self.problems[pid] = load_problem(self.root, pid)
        return self.problems[pid]

    def grade(self, pid: str, path: str | None, tier: str) -> dict[str, Any]:
        from judge.runner import run_solution

        problem = self.problem(pid)
        spec = select_sandbox(tier)
        if path is None:
            key = problem.tests_sha256("all")
            if key not in self.collected:
                self.collected = {key: collect_tests(problem)}
            return missing_result(problem, self.collected[key], spec.tier)
        from judge.runner import spare_executor

        # The next pair's worker boots (interpreter, NumPy, sandbox) while this pair is judged by the worker
        # that booted during the previous one.
        spare, self.spare = self.spare, spare_executor(problem, spec)
        return run_solution(problem, path, "all", sandbox=spec, spare=spare)


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text[:2000]


def main() -> None:
    reply = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    grader = Grader()
    try:
        _serve(grader, reply)
    finally:
        grader.close()


def _serve(grader: Grader, reply: Any) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        started = time.monotonic()
        try:
            result = grader.grade(request["problem"], request.get("path"), request.get("sandbox", "auto"))
            out = {"id": request["id"], "ok": True, "result": result}
        except Exception as exc:  # the judge failed on this pair: reported, retried by the parent
            traceback.print_exc(file=sys.stderr)
            out = {"id": request["id"], "ok": False, "error": _one_line(exc)}
        out["elapsed_s"] = round(time.monotonic() - started, 4)
        reply.write(json.dumps(out) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
