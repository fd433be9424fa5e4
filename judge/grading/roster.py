"""Reading a class folder: ``SUBMISSIONS/<student>/<problem_id>.py``, one folder per student.

A file counts for a problem when its name normalizes to the problem id (``Causal_Mask.py``, ``causal-mask (1).py``;
see :mod:`judge.grading.names`) in the student's folder or one sub-folder below; an exact ``<problem_id>.py`` at the
top wins. Symbolic links, hard links (a regular file with more than one link, or the same inode as another file)
and special files (fifo, socket, device) are never followed or graded: they are refused, with the reason, so a
link to another student's file or to a reference solution earns nothing. Everything left out is listed with why.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from judge.engine.problems import ProblemError

from . import manifest
from .inert_text import visible
from .names import is_junk, match_problem, preference

COLLECT_FILES = manifest.FILES  # written by `judge collect` next to the students' folders
MAX_ID_BYTES = 200  # a student folder name, with room for an LMS id appended on a collision


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
    files: dict[tuple[str, str], Path] = field(default_factory=dict)
    reasons: list[tuple[Path, str]] = field(default_factory=list)  # (path, why it is not graded), ignored + refused

    def pairs(self) -> Iterator[Pair]:
        for student in self.students:
            for problem in self.problems:
                yield Pair(student, problem, self.files.get((student, problem)))

    @property
    def size(self) -> int:
        return len(self.students) * len(self.problems)

    @property
    def refused(self) -> list[tuple[Path, str]]:
        return [(p, why) for p, why in self.reasons if why.startswith("refused")]


def _kind(st: os.stat_result) -> str | None:
    """Why a file of this ``lstat`` must not be graded, or None for a plain regular file."""
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return "refused: a symbolic link (links are never followed)"
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "refused: a special file (fifo, socket or device)"
    if stat.S_ISREG(mode) and st.st_nlink > 1:
        return f"refused: a hard link ({st.st_nlink} names for one file)"
    if not stat.S_ISREG(mode):
        return "refused: not a regular file"
    return None


def _student_files(entry: Path, seen: dict[tuple[int, int], Path], reasons: list[tuple[Path, str]]
                   ) -> list[tuple[Path, int]]:
    """(file, depth) of the plain regular files of one student's folder; the rest go to ``reasons``."""
    found = []
    for dirpath, dirnames, filenames in os.walk(entry, followlinks=False):
        here = Path(dirpath)
        depth = len(here.relative_to(entry).parts)
        for name in list(dirnames):
            sub = here / name
            if is_junk(sub.relative_to(entry)):
                dirnames.remove(name)
            elif os.path.islink(sub):
                dirnames.remove(name)
                reasons.append((sub, "refused: a symbolic link (links are never followed)"))
        for name in sorted(filenames):
            f = here / name
            if is_junk(f.relative_to(entry)):
                continue
            st = f.lstat()
            why = _kind(st)
            if why is None:
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    why = f"refused: the same file (inode) as {seen[key]}"
                seen[key] = f
            if why is not None:
                reasons.append((f, why))
            else:
                found.append((f, depth))
    return found


def read_roster(folder: str | Path, problems: list[str], expected: list[str] | None = None,
                builds_on: list[str] = ()) -> Roster:
    """Students are the sub-folders (hidden ones skipped), or ``expected`` (a course roster: its students without
    a folder have every problem missing, folders of others are ignored). Files that do not stand for a graded
    problem, ambiguous ones, and refused links and special files are listed in ``reasons``. The files of
    ``builds_on`` (problems the graded ones build on, not graded themselves) are matched too, into ``files``: what
    a student's graded file imports is that same student's file (judge/engine/builds_on.py)."""
    base = Path(folder)
    if not base.is_dir():
        raise ProblemError(f"{base}: no such folder; pass a folder holding one sub-folder per student")
    students: list[str] = []
    reasons: list[tuple[Path, str]] = []
    files: dict[tuple[str, str], Path] = {}
    seen: dict[tuple[int, int], Path] = {}
    wanted = set(problems) | set(builds_on)
    allowed = set(expected) if expected is not None else None
    for entry in sorted(base.iterdir()):
        if is_junk(Path(entry.name)) or (entry.name in COLLECT_FILES and entry.is_file()):
            continue
        if entry.is_symlink():
            reasons.append((entry, "refused: a symbolic link (links are never followed)"))
            continue
        if not entry.is_dir():
            reasons.append((entry, "ignored: not in a student's folder"))
            continue
        if allowed is not None and entry.name not in allowed:
            reasons.append((entry, "ignored: not a student of the course roster"))
            continue
        students.append(entry.name)
        candidates: dict[str, list[tuple[int, int, Path]]] = {}
        for f, depth in _student_files(entry, seen, reasons):
            problem = match_problem(f.name, wanted) if depth <= 1 else None
            if problem is None:
                reasons.append((f, "ignored: not <problem_id>.py or .ipynb of a graded problem (at most one "
                                   "sub-folder deep)"))
                continue
            exact = preference(f.name, problem)
            candidates.setdefault(problem, []).append((depth, exact, f))
        for problem, options in candidates.items():
            options.sort()
            best = [o for o in options if o[:2] == options[0][:2]]
            if len(best) > 1:
                names = ", ".join(str(o[2].relative_to(entry)) for o in best)
                for o in options:
                    reasons.append((o[2], f"ignored: ambiguous, several files could be {problem}.py ({names})"))
                continue
            files[(entry.name, problem)] = options[0][2]
            for o in options[1:]:
                reasons.append((o[2], f"ignored: {options[0][2].relative_to(entry)} was taken for {problem}"))
    if allowed is not None:
        students = sorted(set(students) | allowed)
    if not students:
        raise ProblemError(f"{base}: no student folders; expected {base}/<student>/<problem_id>.py")
    ignored = [p for p, _ in reasons]
    return Roster(students, list(problems), base, ignored, files, reasons)


def bad_student_id(sid: str) -> str | None:
    """Why ``sid`` cannot be a student's folder in the class folder, or None."""
    if sid in (".", "..") or "/" in sid or "\\" in sid or "\0" in sid:
        return f"student id '{visible(sid)}' is not a folder name"
    if sid in COLLECT_FILES or is_junk(Path(sid)):
        return f"student id '{visible(sid)}' is a name judge collect or judge grade reserves"
    if visible(sid) != sid:
        return f"student id '{visible(sid)}' has control or bidirectional characters"
    if len(sid.encode("utf-8", "surrogateescape")) > MAX_ID_BYTES:
        return f"student id of {len(sid.encode('utf-8', 'surrogateescape'))} bytes (at most {MAX_ID_BYTES})"
    return None
