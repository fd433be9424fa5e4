"""Reading a class folder: ``SUBMISSIONS/<student>/<problem_id>.py``, one folder per student."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from judge.problems import ProblemError


@dataclass(frozen=True)
class Pair:
    """One (student, problem) pair; ``path`` is None when the student has no file for the problem."""

    student: str
    problem: str
    path: Path | None


@dataclass
class Roster:
    students: list[str]
    problems: list[str]
    folder: Path
    ignored: list[Path]

    def pairs(self) -> Iterator[Pair]:
        for student in self.students:
            for problem in self.problems:
                path = self.folder / student / f"{problem}.py"
                yield Pair(student, problem, path if path.is_file() else None)

    @property
    def size(self) -> int:
        return len(self.students) * len(self.problems)


def read_roster(folder: str | Path, problems: list[str]) -> Roster:
    """Students are the sub-folders (hidden ones skipped); anything else, and files that are not
    ``<problem_id>.py`` for a graded problem, is listed as ignored."""
    base = Path(folder)
    if not base.is_dir():
        raise ProblemError(f"{base}: no such folder; pass a folder holding one sub-folder per student")
    students, ignored = [], []
    wanted = {f"{p}.py" for p in problems}
    for entry in sorted(base.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            ignored.append(entry)
            continue
        students.append(entry.name)
        for f in sorted(entry.rglob("*")):
            if f.is_dir() or any(part.startswith(".") or part == "__pycache__" for part in f.relative_to(entry).parts):
                continue
            if f.parent != entry or f.name not in wanted:
                ignored.append(f)
    if not students:
        raise ProblemError(f"{base}: no student folders; expected {base}/<student>/<problem_id>.py")
    return Roster(students, list(problems), base, ignored)
