"""The files ``judge grade`` writes from the gradebook: grades.csv, results/, feedback/ (streamed per student)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from .gradebook import Gradebook


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def problem_max_scores(book: Gradebook) -> dict[str, float]:
    """problem -> its max score, from any stored result of the roster."""
    rows = book.db.execute(
        "SELECT r.problem, MAX(g.max_score) FROM roster r LEFT JOIN grades g"
        " ON g.student = r.student AND g.problem = r.problem GROUP BY r.problem")
    return {p: (m or 0.0) for p, m in rows}


def student_total(rows: dict[str, dict[str, Any]], problems: list[str], maxima: dict[str, float]
                  ) -> tuple[float | None, float]:
    """(total score, total max score); the total is None when any pair is a judge_error (never a silent 0)."""
    total, complete = 0.0, True
    for p in problems:
        row = rows.get(p)
        if row is None or row["status"] == "judge_error":
            complete = False
        else:
            total += row["score"]
    return (round(total, 6) if complete else None), round(sum(maxima.get(p, 0.0) for p in problems), 6)


def write_csv(book: Gradebook, out: Path) -> Path:
    """grades.csv: one row per student, a column per problem (score, or judge_error), total, max, percent."""
    problems = book.problems()
    maxima = problem_max_scores(book)
    path = out / "grades.csv"
    tmp = path.with_name(".grades.csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *problems, "total", "max_total", "percent"])
        for student, rows in book.iter_roster():
            cells = []
            for p in problems:
                row = rows.get(p)
                cells.append("judge_error" if row is None or row["status"] == "judge_error" else _fmt(row["score"]))
            total, max_total = student_total(rows, problems, maxima)
            pct = "" if total is None or not max_total else f"{100.0 * total / max_total:.2f}"
            writer.writerow([student, *cells, _fmt(total), _fmt(max_total), pct])
    os.replace(tmp, path)
    return path


def feedback_markdown(student: str, rows: dict[str, dict[str, Any]], problems: list[str],
                      maxima: dict[str, float]) -> str:
    """What the student may see. Hidden tests' messages already follow each problem's feedback policy (the
    runner applies it); nothing else of a hidden test (inputs, expected values, source) is in a result."""
    total, max_total = student_total(rows, problems, maxima)
    lines = [f"# Feedback for {student}", ""]
    if total is None:
        lines.append(f"Total: not final (some problems could not be graded; your instructor has been told) "
                     f"out of {max_total:g}")
    else:
        pct = 100.0 * total / max_total if max_total else 0.0
        lines.append(f"Total: {total:g}/{max_total:g} ({pct:.1f}%)")
    for p in problems:
        row = rows.get(p)
        lines.append("")
        if row is None or row["status"] == "judge_error":
            lines.append(f"## {p}: not graded (a judge error, not your fault; your instructor has been told)")
            continue
        result = row["result"]
        lines.append(f"## {p}: {row['score']:g}/{row['max_score']:g} ({row['status']})")
        if row["status"] == "missing":
            lines.append("")
            lines.append(f"No file `{p}.py` was submitted.")
            continue
        if row["status"] == "error" and result.get("message"):
            lines.append("")
            lines.append(f"Your file could not be loaded: {result['message']}")
        lines.append("")
        lines.append("| test | kind | result | points |")
        lines.append("|---|---|---|---|")
        for t in result["tests"]:
            lines.append(f"| `{t['name']}` | {t['visibility']} | {t['status']} | {t['score']:g}/{t['max_score']:g} |")
        failures = [t for t in result["tests"] if t["status"] != "passed" and t["message"]]
        if failures and row["status"] != "error":
            lines.append("")
            lines.append("What went wrong:")
            for t in failures:
                lines.append("")
                lines.append(f"- `{t['name']}` ({t['visibility']}, {t['status']}):")
                lines.append("")
                lines.append("  ```")
                lines.extend(f"  {line}" for line in t["message"].splitlines()[:14])
                lines.append("  ```")
        if result.get("stdout"):
            lines.append("")
            lines.append("Your code printed:")
            lines.append("")
            lines.append("```")
            lines.extend(result["stdout"].splitlines()[:20])
            lines.append("```")
    return "\n".join(lines) + "\n"


def write_student_files(book: Gradebook, out: Path, *, gradescope: bool = False) -> None:
    """results/<student>/<problem>.json, feedback/<student>.md, and with ``gradescope``
    results/<student>/results.json; one student in memory at a time."""
    from .gradescope import to_gradescope

    problems = book.problems()
    maxima = problem_max_scores(book)
    for student, rows in book.iter_roster():
        folder = out / "results" / student
        for p in problems:
            row = rows.get(p)
            target = folder / f"{p}.json"
            if row is not None and row["result"] is not None and row["status"] != "judge_error":
                _atomic_write(target, json.dumps(row["result"], indent=2, sort_keys=True) + "\n")
            elif target.exists():
                target.unlink()
        _atomic_write(out / "feedback" / f"{student}.md", feedback_markdown(student, rows, problems, maxima))
        if gradescope:
            results = [rows[p]["result"] for p in problems
                       if p in rows and rows[p]["result"] is not None and rows[p]["status"] != "judge_error"]
            errors = [p for p in problems if p not in rows or rows[p]["status"] == "judge_error"]
            doc = to_gradescope(results, judge_errors=errors)
            _atomic_write(folder / "results.json", json.dumps(doc, indent=2) + "\n")
