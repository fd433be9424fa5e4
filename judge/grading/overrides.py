"""Overrides as course data: ``overrides = "overrides.csv"`` in course.toml names a CSV (student, problem, score,
reason, set_by, set_at) that is the record of every manual grade. ``judge override`` writes it (when the
course has one), and every ``judge grade``, ``--regrade``, shard and ``judge merge`` applies it to the gradebook,
so an override survives regrading, re-sharding and re-merging, with who, when and why; remove one with
``judge override --remove``. Without the file, a merge into an existing folder keeps that folder's overrides.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from judge.engine.problems import ProblemError

from .gradebook import Gradebook

FIELDS = ("student", "problem", "score", "reason", "set_by", "set_at")


def read_overrides(path: Path) -> list[dict[str, Any]]:
    """The file's rows (a missing file is no overrides yet); a bad row is a one-line error naming the line."""
    if not path.is_file():
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [f for f in FIELDS[:4] if f not in (reader.fieldnames or [])]
            if missing:
                raise ProblemError(f"{path}: no column {', '.join(missing)}; the columns are {', '.join(FIELDS)}")
            rows = []
            for n, row in enumerate(reader, start=2):
                try:
                    score = float(row["score"])
                except (TypeError, ValueError):
                    raise ProblemError(f"{path}:{n}: score {row['score']!r} is not a number") from None
                if score < 0 or not (row.get("reason") or "").strip():
                    raise ProblemError(f"{path}:{n}: an override needs a score >= 0 and a reason")
                rows.append({"student": row["student"].strip(), "problem": row["problem"].strip(), "score": score,
                             "reason": row["reason"].strip(), "set_by": (row.get("set_by") or "").strip(),
                             "set_at": (row.get("set_at") or "").strip()})
            return rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ProblemError(f"{path}: not a CSV of overrides ({exc})") from None


def write_overrides(path: Path, rows: list[dict[str, Any]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r["student"], r["problem"])):
        writer.writerow({k: (f"{row[k]:g}" if k == "score" else row[k]) for k in FIELDS})
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)


def record(path: Path, student: str, problem: str, score: float | None, reason: str, set_by: str) -> None:
    """Set (score given) or remove (None) one override in the file."""
    rows = [r for r in read_overrides(path) if (r["student"], r["problem"]) != (student, problem)]
    if score is not None:
        rows.append({"student": student, "problem": problem, "score": score, "reason": reason, "set_by": set_by,
                     "set_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    write_overrides(path, rows)


def apply(book: Gradebook, rows: list[dict[str, Any]]) -> None:
    """Put ``rows`` into the gradebook with their own who and when."""
    for r in rows:
        book.set_override(r["student"], r["problem"], r["score"], r["reason"], r["set_by"], r["set_at"] or None)


def sync(book: Gradebook, path: Path) -> int:
    """Make the gradebook and the course's overrides file agree: the file's rows go into the gradebook, and an
    override only the gradebook has (set before the file existed) is added to the file, never dropped.
    Returns how many overrides the file holds."""
    rows = read_overrides(path)
    known = {(r["student"], r["problem"]) for r in rows}
    extra = [o for o in book.all_overrides() if (o["student"], o["problem"]) not in known]
    if extra:
        write_overrides(path, rows + extra)
    apply(book, rows)
    return len(rows) + len(extra)
