"""The class gradebook: ``OUT/gradebook.db``, SQLite in WAL mode.

One row per (student, problem) pair in ``grades``, replaced in place when the pair is regraded, so no pair is
ever stored twice; each pair is committed in its own transaction the moment it is graded, so a run killed even
with SIGKILL loses at most the pairs that were in flight. ``times_graded`` counts how often a pair was graded and
stored. ``roster`` is the set of pairs of the latest run, which every output is built from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MISSING_SHA256 = "0" * 64  # the solution hash of a submission file that does not exist

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    student TEXT NOT NULL,
    problem TEXT NOT NULL,
    solution_sha256 TEXT NOT NULL,
    tests_sha256 TEXT NOT NULL,
    judge_version TEXT NOT NULL,
    status TEXT NOT NULL,            -- passed | failed | error | missing | judge_error
    score REAL,                      -- NULL for judge_error: never a silent 0
    max_score REAL,
    duration_s REAL NOT NULL,
    sandbox TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    times_graded INTEGER NOT NULL DEFAULT 1,
    message TEXT NOT NULL DEFAULT '',
    result_json TEXT,                -- the result model, verbatim (NULL when the judge failed)
    PRIMARY KEY (student, problem)
);
CREATE TABLE IF NOT EXISTS test_results (
    student TEXT NOT NULL,
    problem TEXT NOT NULL,
    name TEXT NOT NULL,
    visibility TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (student, problem, name, visibility),
    FOREIGN KEY (student, problem) REFERENCES grades(student, problem) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS roster (
    student TEXT NOT NULL,
    problem TEXT NOT NULL,
    PRIMARY KEY (student, problem)
);
CREATE INDEX IF NOT EXISTS test_results_problem ON test_results(problem, name);
"""

FLAG_VERDICTS = ("timeout", "memory", "crashed", "forbidden", "judge_error")


def grade_status(result: dict[str, Any] | None) -> str:
    """The gradebook status of a result: the result's own status, or judge_error when the judge failed."""
    if result is None or any(t["status"] == "judge_error" for t in result["tests"]):
        return "judge_error"
    return result["status"]


class Gradebook:
    """A connection to ``gradebook.db``; every write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the roster of the current run ---------------------------------------------------------------------
    def set_roster(self, pairs: list[tuple[str, str]]) -> None:
        with self.db:
            self.db.execute("DELETE FROM roster")
            self.db.executemany("INSERT INTO roster VALUES (?, ?)", pairs)

    # -- pairs ---------------------------------------------------------------------------------------------
    def fingerprint(self, student: str, problem: str) -> tuple[str, str, str, str] | None:
        """(solution hash, tests hash, judge version, status) of the stored pair, or None."""
        row = self.db.execute(
            "SELECT solution_sha256, tests_sha256, judge_version, status FROM grades WHERE student=? AND problem=?",
            (student, problem),
        ).fetchone()
        return tuple(row) if row else None

    def record(self, student: str, problem: str, *, result: dict[str, Any] | None, solution_sha256: str,
               tests_sha256: str, judge_version: str, sandbox: str, message: str = "") -> str:
        """Store (or replace) one pair and its per-test verdicts in one transaction; returns its status."""
        status = grade_status(result)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        score = None if status == "judge_error" or result is None else result["score"]
        max_score = result["max_score"] if result is not None else None
        duration = result["duration_s"] if result is not None else 0.0
        if not message and result is not None:
            message = result.get("message", "")
            if status == "judge_error":
                message = next(t["message"] for t in result["tests"] if t["status"] == "judge_error")
        with self.db:
            self.db.execute(
                "INSERT INTO grades (student, problem, solution_sha256, tests_sha256, judge_version, status, score,"
                " max_score, duration_s, sandbox, graded_at, times_graded, message, result_json)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,1,?,?)"
                " ON CONFLICT(student, problem) DO UPDATE SET solution_sha256=excluded.solution_sha256,"
                " tests_sha256=excluded.tests_sha256, judge_version=excluded.judge_version, status=excluded.status,"
                " score=excluded.score, max_score=excluded.max_score, duration_s=excluded.duration_s,"
                " sandbox=excluded.sandbox, graded_at=excluded.graded_at, times_graded=grades.times_graded + 1,"
                " message=excluded.message, result_json=excluded.result_json",
                (student, problem, solution_sha256, tests_sha256, judge_version, status, score, max_score, duration,
                 sandbox, now, message[:4000], json.dumps(result, sort_keys=True) if result is not None else None),
            )
            self.db.execute("DELETE FROM test_results WHERE student=? AND problem=?", (student, problem))
            if result is not None:
                self.db.executemany(
                    "INSERT OR REPLACE INTO test_results VALUES (?,?,?,?,?,?,?,?)",
                    [(student, problem, t["name"], t["visibility"], t["status"], t["score"], t["max_score"],
                      t["message"][:1000]) for t in result["tests"]],
                )
        return status

    # -- reading (streamed: one student at a time) ---------------------------------------------------------
    def students(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT student FROM roster ORDER BY student")]

    def problems(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT problem FROM roster ORDER BY problem")]

    def rows_of(self, student: str) -> dict[str, dict[str, Any]]:
        """problem -> stored row (with ``result`` decoded) for one student of the roster."""
        cur = self.db.execute(
            "SELECT g.problem, g.status, g.score, g.max_score, g.message, g.result_json, g.sandbox, g.duration_s"
            " FROM roster r JOIN grades g ON g.student = r.student AND g.problem = r.problem"
            " WHERE r.student = ?", (student,),
        )
        out = {}
        for problem, status, score, max_score, message, result_json, sandbox, duration in cur:
            out[problem] = {
                "status": status, "score": score, "max_score": max_score, "message": message,
                "result": json.loads(result_json) if result_json else None, "sandbox": sandbox,
                "duration_s": duration,
            }
        return out

    def iter_roster(self) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        for student in self.students():
            yield student, self.rows_of(student)

    def judge_errors(self) -> list[tuple[str, str, str]]:
        """(student, problem, message) of every roster pair whose judging failed."""
        return list(self.db.execute(
            "SELECT g.student, g.problem, g.message FROM roster r JOIN grades g"
            " ON g.student = r.student AND g.problem = r.problem WHERE g.status = 'judge_error'"
            " ORDER BY g.student, g.problem"))

    def times_graded(self) -> dict[tuple[str, str], int]:
        return {(s, p): n for s, p, n in self.db.execute("SELECT student, problem, times_graded FROM grades")}
