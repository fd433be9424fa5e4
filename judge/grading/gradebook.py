"""The class gradebook: ``OUT/gradebook.db``, SQLite in WAL mode.

One row per (student, problem) pair in ``grades``, replaced in place when the pair is regraded, so no pair is
ever stored twice; each pair is committed in its own transaction the moment it is graded, so a run killed even
with SIGKILL loses at most the pairs that were in flight. ``times_graded`` counts how often a pair was graded and
stored. ``roster`` is the set of pairs of the latest run, which every output is built from.

``overrides`` (a score set by hand, with who, when and why) is never touched by grading, so it survives every
regrade; ``submissions`` holds when each file was submitted (from ``judge collect``'s manifest), ``similarity``
the flagged pairs of the latest run, ``meta`` the course and the shard. Every query of the outputs lives here:
the writers of grades.csv, the exports and report.html only render what these methods return.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from judge.engine.verdicts import FLAGGED, Verdict, stored_status
from judge.sandbox.launch import TIERS

from .class_run import ClassRun
from .storage import journal_mode

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
CREATE TABLE IF NOT EXISTS overrides (
    student TEXT NOT NULL,
    problem TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (student, problem)
);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL,
    problem TEXT NOT NULL,
    submitted_at TEXT,               -- ISO 8601 with offset, or NULL when the download did not say
    original TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student, problem)
);
CREATE TABLE IF NOT EXISTS similarity (
    problem TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score REAL NOT NULL,
    detail_json TEXT NOT NULL,
    PRIMARY KEY (problem, a, b)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS test_results_problem ON test_results(problem, name);
"""

FLAG_VERDICTS = tuple(v.value for v in FLAGGED)


def tier_rank(tier: str) -> int:
    """Strength of a sandbox tier: 0 is the strongest of ``judge.sandbox.launch.TIERS``; an unknown tier is weakest."""
    return TIERS.index(tier) if tier in TIERS else len(TIERS)


class MergeError(ValueError):
    """Gradebooks that cannot be joined (different tests or judge versions, a missing shard)."""


class Gradebook:
    """A connection to ``gradebook.db``; every write is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60)
        self.db.execute(f"PRAGMA journal_mode={journal_mode(self.path.parent)}")  # never WAL on NFS
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
    def fingerprint(self, student: str, problem: str) -> tuple[str, str, str, str, str] | None:
        """(solution hash, tests hash, judge version, status, sandbox tier) of the stored pair, or None."""
        row = self.db.execute(
            "SELECT solution_sha256, tests_sha256, judge_version, status, sandbox FROM grades"
            " WHERE student=? AND problem=?", (student, problem),
        ).fetchone()
        return tuple(row) if row else None

    def is_unchanged(self, student: str, problem: str, solution_sha256: str, tests_sha256: str, version: str,
                     tier: str) -> bool:
        """True when the stored pair needs no regrading: same file, tests and judge, not a judge error, and
        graded on a tier at least as strong as ``tier``."""
        stored = self.fingerprint(student, problem)
        return (stored is not None and stored[:3] == (solution_sha256, tests_sha256, version)
                and stored[3] != Verdict.JUDGE_ERROR and tier_rank(stored[4]) <= tier_rank(tier))

    # -- metadata, submission times, overrides -----------------------------------------------------------------
    def set_meta(self, key: str, value: str | None) -> None:
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_submissions(self, rows: list[tuple[str, str, str | None, str]]) -> None:
        """Replace the submission times: (student, problem, submitted_at or None, original file name)."""
        with self.db:
            self.db.execute("DELETE FROM submissions")
            self.db.executemany("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?)", rows)

    def submission_times(self) -> dict[tuple[str, str], str | None]:
        """(student, problem) -> when it was submitted (ISO 8601), for pairs whose time is known."""
        return {(s, p): t for s, p, t in self.db.execute("SELECT student, problem, submitted_at FROM submissions")}

    def submission_notes(self) -> dict[tuple[str, str], dict[str, Any]]:
        """(student, problem) -> what judge collect knew beside the time: ``late_mark`` (an LMS LATE mark),
        ``time_source``, ``group`` and ``group_members`` (stored as the meta ``submission_notes``)."""
        doc = ClassRun.load(self).submission_notes
        return {(s, p): note for s, problems in doc.items() for p, note in problems.items()}

    def set_override(self, student: str, problem: str, score: float, reason: str, set_by: str,
                     set_at: str | None = None) -> None:
        now = set_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO overrides VALUES (?, ?, ?, ?, ?, ?)",
                            (student, problem, score, reason, set_by, now))

    def remove_override(self, student: str, problem: str) -> bool:
        with self.db:
            return self.db.execute("DELETE FROM overrides WHERE student=? AND problem=?",
                                   (student, problem)).rowcount > 0

    def all_overrides(self) -> list[dict[str, Any]]:
        """Every stored override, of a roster pair or not: student, problem, score, reason, set_by, set_at."""
        cur = self.db.execute("SELECT student, problem, score, reason, set_by, set_at FROM overrides")
        keys = ("student", "problem", "score", "reason", "set_by", "set_at")
        return [dict(zip(keys, row, strict=True)) for row in cur]

    def overrides(self) -> list[dict[str, Any]]:
        """Every override of a roster pair: student, problem, score, reason, set_by, set_at, graded_score."""
        cur = self.db.execute(
            "SELECT o.student, o.problem, o.score, o.reason, o.set_by, o.set_at, g.score FROM overrides o"
            " JOIN roster r ON r.student=o.student AND r.problem=o.problem"
            " LEFT JOIN grades g ON g.student=o.student AND g.problem=o.problem ORDER BY o.student, o.problem")
        keys = ("student", "problem", "score", "reason", "set_by", "set_at", "graded_score")
        return [dict(zip(keys, row, strict=True)) for row in cur]

    def record(self, student: str, problem: str, *, result: dict[str, Any] | None, solution_sha256: str,
               tests_sha256: str, judge_version: str, sandbox: str, message: str = "") -> str:
        """Store (or replace) one pair and its per-test verdicts in one transaction; returns its status."""
        status = stored_status(result)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        score = None if status == Verdict.JUDGE_ERROR or result is None else result["score"]
        max_score = result["max_score"] if result is not None else None
        duration = result["duration_s"] if result is not None else 0.0
        if not message and result is not None:
            message = result.get("message", "")
            if status == Verdict.JUDGE_ERROR:
                message = next(t["message"] for t in result["tests"] if t["status"] == Verdict.JUDGE_ERROR)
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
            "SELECT g.problem, g.status, g.score, g.max_score, g.message, g.result_json, g.sandbox, g.duration_s,"
            " o.score, o.reason, o.set_by, o.set_at"
            " FROM roster r JOIN grades g ON g.student = r.student AND g.problem = r.problem"
            " LEFT JOIN overrides o ON o.student = r.student AND o.problem = r.problem"
            " WHERE r.student = ?", (student,),
        )
        out = {}
        for (problem, status, score, max_score, message, result_json, sandbox, duration,
             o_score, o_reason, o_by, o_at) in cur:
            out[problem] = {
                "status": status, "score": score, "max_score": max_score, "message": message,
                "result": json.loads(result_json) if result_json else None, "sandbox": sandbox,
                "duration_s": duration,
                "override": None if o_score is None else {"score": o_score, "reason": o_reason, "set_by": o_by,
                                                          "set_at": o_at},
            }
        return out

    def roster_pairs(self) -> set[tuple[str, str]]:
        return {(s, p) for s, p in self.db.execute("SELECT student, problem FROM roster")}

    def iter_roster(self) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        for student in self.students():
            yield student, self.rows_of(student)

    def judge_errors(self) -> list[tuple[str, str, str]]:
        """(student, problem, message) of every roster pair whose judging failed."""
        return list(self.db.execute(
            "SELECT g.student, g.problem, g.message FROM roster r JOIN grades g"
            " ON g.student = r.student AND g.problem = r.problem WHERE g.status = 'judge_error'"
            " ORDER BY g.student, g.problem"))

    def ungraded(self) -> list[tuple[str, str]]:
        """(student, problem) of every roster pair with no grade row: a run that stopped before grading it."""
        return list(self.db.execute(
            "SELECT r.student, r.problem FROM roster r LEFT JOIN grades g"
            " ON g.student = r.student AND g.problem = r.problem WHERE g.student IS NULL"
            " ORDER BY r.student, r.problem"))

    def times_graded(self) -> dict[tuple[str, str], int]:
        return {(s, p): n for s, p, n in self.db.execute("SELECT student, problem, times_graded FROM grades")}

    # -- class statistics (report.html) ----------------------------------------------------------------------
    def problem_max_scores(self) -> dict[str, float]:
        """problem -> its max score, from any stored result of the roster."""
        rows = self.db.execute(
            "SELECT r.problem, MAX(g.max_score) FROM roster r LEFT JOIN grades g"
            " ON g.student = r.student AND g.problem = r.problem GROUP BY r.problem")
        return {p: (m or 0.0) for p, m in rows}

    def graded_scores(self, problem: str) -> list[float]:
        """The graded scores of ``problem`` over the roster (judge errors left out; overrides not applied)."""
        return [s for (s,) in self.db.execute(
            "SELECT g.score FROM roster r JOIN grades g ON g.student=r.student AND g.problem=r.problem "
            "WHERE r.problem=? AND g.status != 'judge_error'", (problem,))]

    def submitted_results(self, problem: str) -> Iterator[dict[str, Any]]:
        """The stored results of ``problem`` for roster students who submitted a file the judge graded."""
        for (text,) in self.db.execute(
                "SELECT g.result_json FROM roster r JOIN grades g ON g.student=r.student AND g.problem=r.problem "
                "WHERE r.problem=? AND g.status NOT IN ('missing', 'judge_error') AND g.result_json IS NOT NULL",
                (problem,)):
            yield json.loads(text)

    def status_counts(self, problem: str) -> dict[str, int]:
        """status -> how many roster pairs of ``problem`` have it."""
        return dict(self.db.execute(
            "SELECT g.status, COUNT(*) FROM roster r JOIN grades g ON g.student=r.student AND g.problem=r.problem "
            "WHERE r.problem=? GROUP BY g.status", (problem,)).fetchall())

    def test_pass_rates(self, problem: str) -> list[tuple[str, str, int, int]]:
        """(test, visibility, passed, submitted) over submitted files, hardest first."""
        rows = self.db.execute(
            "SELECT t.name, t.visibility, SUM(t.status = 'passed'), COUNT(*) FROM roster r "
            "JOIN grades g ON g.student=r.student AND g.problem=r.problem "
            "JOIN test_results t ON t.student=r.student AND t.problem=r.problem "
            "WHERE r.problem=? AND g.status NOT IN ('missing', 'judge_error') GROUP BY t.name, t.visibility",
            (problem,)).fetchall()
        return sorted(rows, key=lambda r: (r[2] / r[3], r[0]))

    def common_failures(self, problem: str, limit: int = 5) -> list[tuple[str, str, int]]:
        """(verdict, message, students) of the most common failure messages, counting each student once."""
        return self.db.execute(
            "SELECT t.status, t.message, COUNT(DISTINCT t.student) AS n FROM roster r "
            "JOIN test_results t ON t.student=r.student AND t.problem=r.problem "
            "WHERE r.problem=? AND t.status NOT IN ('passed', 'missing') AND t.message != '' "
            "GROUP BY t.status, t.message ORDER BY n DESC, t.message LIMIT ?", (problem, limit)).fetchall()

    def flagged_pairs(self) -> list[tuple[str, str, str, str, list[str]]]:
        """(student, problem, status, message, verdicts) of pairs that hit timeout, memory, crashed, forbidden
        or judge_error."""
        placeholders = ",".join("?" * len(FLAG_VERDICTS))
        rows = self.db.execute(
            "SELECT g.student, g.problem, g.status, g.message, "
            f"(SELECT GROUP_CONCAT(DISTINCT t.status) FROM test_results t WHERE t.student=g.student "
            f"AND t.problem=g.problem AND t.status IN ({placeholders})) AS verdicts "
            "FROM roster r JOIN grades g ON g.student=r.student AND g.problem=r.problem "
            "WHERE g.status = 'judge_error' OR verdicts IS NOT NULL ORDER BY g.student, g.problem",
            FLAG_VERDICTS).fetchall()
        out = []
        for student, problem, status, message, verdicts in rows:
            kinds = set((verdicts or "").split(",")) - {""}
            out.append((student, problem, status, message,
                        sorted(kinds | ({str(status)} if status == Verdict.JUDGE_ERROR else set()))))
        return out

    def failed_tests_per_student(self) -> dict[str, int]:
        """student -> how many tests of submitted files did not pass."""
        return dict(self.db.execute(
            "SELECT r.student, COUNT(t.name) FROM roster r LEFT JOIN test_results t ON t.student=r.student "
            "AND t.problem=r.problem AND t.status NOT IN ('passed', 'missing') GROUP BY r.student"))

    # -- similarity --------------------------------------------------------------------------------------------
    def set_similarity(self, rows: list[tuple[str, str, str, float, dict[str, Any]]]) -> None:
        """Replace the similarity pairs: (problem, student a, student b, score, detail)."""
        with self.db:
            self.db.execute("DELETE FROM similarity")
            self.db.executemany("INSERT OR REPLACE INTO similarity VALUES (?, ?, ?, ?, ?)",
                                [(p, a, b, s, json.dumps(d, sort_keys=True)) for p, a, b, s, d in rows])

    def similar_pairs(self) -> dict[str, list[tuple[str, str, float, dict[str, Any]]]]:
        """problem -> (a, b, score, detail) of roster students, most similar first."""
        out: dict[str, list[tuple[str, str, float, dict[str, Any]]]] = {}
        for p, a, b, score, detail in self.db.execute(
                "SELECT problem, a, b, score, detail_json FROM similarity WHERE a IN (SELECT student FROM roster) "
                "AND b IN (SELECT student FROM roster) ORDER BY problem, score DESC, a, b"):
            out.setdefault(p, []).append((a, b, score, json.loads(detail)))
        return out

    # -- joining shards ------------------------------------------------------------------------------------------
    def versions(self) -> tuple[set[str], dict[str, set[str]]]:
        """(judge versions, problem -> tests hashes) of the stored roster pairs."""
        judges = {v for (v,) in self.db.execute(
            "SELECT DISTINCT g.judge_version FROM roster r JOIN grades g ON g.student=r.student "
            "AND g.problem=r.problem")}
        tests: dict[str, set[str]] = {}
        for p, sha in self.db.execute("SELECT DISTINCT g.problem, g.tests_sha256 FROM roster r JOIN grades g "
                                      "ON g.student=r.student AND g.problem=r.problem"):
            tests.setdefault(p, set()).add(sha)
        return judges, tests

    def absorb(self, other: Path) -> int:
        """Copy every roster pair of the gradebook ``other`` (and its test verdicts, submission times, overrides
        and similarity rows) into this one, adding its pairs to the roster; returns how many pairs came."""
        self.db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            with self.db:
                n = self.db.execute("SELECT COUNT(*) FROM other.roster").fetchone()[0]
                self.db.execute("INSERT OR REPLACE INTO grades SELECT g.* FROM other.grades g JOIN other.roster r "
                                "ON r.student=g.student AND r.problem=g.problem")
                self.db.execute("DELETE FROM test_results WHERE (student, problem) IN "
                                "(SELECT student, problem FROM other.roster)")
                self.db.execute("INSERT OR REPLACE INTO test_results SELECT t.* FROM other.test_results t "
                                "JOIN other.roster r ON r.student=t.student AND r.problem=t.problem")
                self.db.execute("INSERT OR REPLACE INTO roster SELECT * FROM other.roster")
                self.db.execute("INSERT OR REPLACE INTO submissions SELECT * FROM other.submissions")
                self.db.execute("INSERT OR IGNORE INTO overrides SELECT * FROM other.overrides")
                self.db.execute("INSERT OR REPLACE INTO similarity SELECT * FROM other.similarity")
        finally:
            self.db.execute("DETACH DATABASE other")
        return n
