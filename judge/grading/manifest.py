"""collect.json, the manifest ``judge collect`` writes next to the students' folders and ``judge grade`` reads:
its name, the writing, and the typed per-submission entries read back (read bounded, parsed once). The one module
that knows its layout; collect_report.txt, its human-readable twin, is named here too."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.engine.problems import ProblemError

from .bounded import METADATA_LIMIT, parse_guard, read_bounded

NAME = "collect.json"
REPORT_NAME = "collect_report.txt"
FILES = (NAME, REPORT_NAME)  # never a student's folder or submission
NOTE_KEYS = ("late_mark", "time_source", "group", "group_members", "lms", "lms_ref")


@dataclass(frozen=True)
class Entry:
    """One collected submission: its original file name, when it was submitted (ISO 8601, or None), an LMS LATE
    mark, where the time came from, the group that submitted it, the LMS and how its feedback upload names it."""

    original: str = ""
    submitted_at: str | None = None
    late_mark: bool = False
    time_source: str = ""
    group: str | None = None
    group_members: list[str] = field(default_factory=list)
    lms: str = ""
    lms_ref: str = ""

    def notes(self) -> dict[str, Any]:
        """What grading keeps beside the time (the non-empty NOTE_KEYS)."""
        return {k: getattr(self, k) for k in NOTE_KEYS if getattr(self, k)}


def write(folder: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` (format, collected_at, students -> problem -> entry fields, unmatched, ignored) as the
    manifest of ``folder``."""
    (folder / NAME).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(submissions: Path) -> dict[tuple[str, str], Entry]:
    """(student, problem) -> Entry from ``submissions``'s manifest (empty without one); ProblemError, one line,
    for a file that is not a manifest judge collect writes."""
    path = submissions / NAME
    if not path.is_file():
        return {}
    fix = "delete it or collect again"
    try:
        with parse_guard(path, fix):
            doc = json.loads(read_bounded(path, METADATA_LIMIT, fix))
        known = set(Entry.__dataclass_fields__)
        return {(s, p): Entry(**{k: v for k, v in entry.items() if k in known})
                for s, problems in doc.get("students", {}).items() for p, entry in problems.items()}
    except (ValueError, AttributeError, TypeError):
        raise ProblemError(f"{path}: not the manifest judge collect writes; {fix}") from None
