"""Local history in SQLite (``.judge/judge.db``): every submission with its full result, and the hints revealed."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    kind TEXT NOT NULL,              -- 'submit' or 'test'
    solution_path TEXT NOT NULL,
    solution_sha256 TEXT NOT NULL,
    tests_sha256 TEXT NOT NULL,
    judge_version TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    result_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS test_results (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    visibility TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    PRIMARY KEY (submission_id, name, visibility)
);
CREATE INDEX IF NOT EXISTS submissions_problem ON submissions(problem);
CREATE TABLE IF NOT EXISTS hints (
    problem TEXT NOT NULL,
    number INTEGER NOT NULL,         -- 1 for the statement's first hint
    revealed_at TEXT NOT NULL,
    PRIMARY KEY (problem, number)
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A small wrapper over the history database; each write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt; a power cut may drop the last run
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, result: dict[str, Any], solution_path: str, kind: str) -> int:
        """Store one result (the result model, verbatim) and its per-test verdicts."""
        now = _now()
        with self.db:
            cur = self.db.execute(
                "INSERT INTO submissions (problem, submitted_at, kind, solution_path, solution_sha256, tests_sha256,"
                " judge_version, status, score, max_score, result_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (result["problem"], now, kind, solution_path, result["solution_sha256"], result["tests_sha256"],
                 result["judge_version"], result["status"], result["score"], result["max_score"],
                 json.dumps(result, sort_keys=True)),
            )
            sid = int(cur.lastrowid)
            self.db.executemany(
                "INSERT INTO test_results VALUES (?,?,?,?,?,?)",
                [(sid, t["name"], t["visibility"], t["status"], t["score"], t["max_score"]) for t in result["tests"]],
            )
        return sid

    def best_scores(self, kind: str = "submit") -> dict[str, tuple[float, float]]:
        """problem id -> (best score, its max score) over recorded runs of ``kind``."""
        rows = self.db.execute(
            "SELECT problem, MAX(score), max_score FROM submissions WHERE kind = ? GROUP BY problem", (kind,)
        )
        return {p: (s, m) for p, s, m in rows}

    def history(self, problem: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Recorded runs, newest first (of ``problem``, or of every problem)."""
        query = "SELECT id, problem, submitted_at, kind, solution_path, status, score, max_score FROM submissions"
        args: tuple = ()
        if problem:
            query += " WHERE problem = ?"
            args = (problem,)
        query += " ORDER BY id DESC LIMIT ?"
        cols = ["id", "problem", "submitted_at", "kind", "solution_path", "status", "score", "max_score"]
        return [dict(zip(cols, row, strict=True)) for row in self.db.execute(query, (*args, limit))]

    def attempt(self, number: int) -> dict[str, Any] | None:
        """Submission ``number`` (the ``#`` of the history) with its stored result, or None."""
        row = self.db.execute(
            "SELECT id, problem, submitted_at, kind, solution_path, status, score, max_score, result_json"
            " FROM submissions WHERE id = ?", (number,)).fetchone()
        if row is None:
            return None
        cols = ["id", "problem", "submitted_at", "kind", "solution_path", "status", "score", "max_score"]
        out = dict(zip(cols, row[:-1], strict=True))
        out["result"] = json.loads(row[-1])
        return out

    def previous_attempt(self, number: int) -> int | None:
        """The number of the submission of the same problem just before ``number``, or None."""
        row = self.db.execute(
            "SELECT MAX(s.id) FROM submissions s JOIN submissions t ON s.problem = t.problem"
            " WHERE t.id = ? AND s.id < ?", (number, number)).fetchone()
        return row[0] if row else None

    def reveal_hint(self, problem: str, available: int) -> int:
        """Record the next hint of ``problem`` as revealed (if any is left of ``available``); the number of hints
        revealed afterwards."""
        with self.db:
            shown = self.hints_revealed(problem)
            if shown < available:
                self.db.execute("INSERT INTO hints VALUES (?,?,?)", (problem, shown + 1, _now()))
                shown += 1
        return shown

    def hints_revealed(self, problem: str) -> int:
        (n,) = self.db.execute("SELECT COUNT(*) FROM hints WHERE problem = ?", (problem,)).fetchone()
        return int(n)

    def hint_log(self, problem: str | None = None) -> list[dict[str, Any]]:
        """Every hint revealed, oldest first: problem, number, revealed_at."""
        query, args = "SELECT problem, number, revealed_at FROM hints", ()
        if problem:
            query, args = query + " WHERE problem = ?", (problem,)
        rows = self.db.execute(query + " ORDER BY revealed_at, problem, number", args)
        return [{"problem": p, "number": n, "revealed_at": t} for p, n, t in rows]


def changed_tests(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Tests whose verdict changed from result ``before`` to result ``after`` (and tests only one of them ran):
    name, visibility, before and after (a status, or None when the test did not run)."""
    old = {(t["name"], t["visibility"]): t["status"] for t in before["tests"]}
    new = {(t["name"], t["visibility"]): t["status"] for t in after["tests"]}
    keys = list(dict.fromkeys([*new, *old]))
    return [{"name": n, "visibility": v, "before": old.get((n, v)), "after": new.get((n, v))}
            for n, v in keys if old.get((n, v)) != new.get((n, v))]
