"""Joining shard gradebooks (``judge grade --shard K/N``) into one: ``judge merge OUT SHARD_DIR...``.

Each shard grades the pairs whose name hash falls in its share (:func:`judge.grading.grade.in_shard`) into its
own OUT folder. The merge refuses gradebooks graded with different tests or judge versions, a set of shards that
is not every K of one N, and a shard that did not finish (a pair of its share with no grade row: "not graded:
shard K/N did not finish", exit 2, nothing written; never a judge error told to students). It then copies every
pair into OUT/gradebook.db, computes the similarity report when the submissions folder is readable here, and
writes the same outputs a single run writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.engine.problems import ProblemError

from .class_run import ClassRun
from .course import Course
from .grade import render_outputs
from .gradebook import Gradebook
from .inert_text import visible
from .overrides import apply as apply_overrides
from .overrides import sync as sync_overrides
from .roster import read_roster
from .similarity import class_similarity


@dataclass
class MergeSummary:
    pairs: int = 0
    shards: int = 0
    students: int = 0
    similarity: str = ""
    overrides: int = 0
    judge_errors: list[tuple[str, str, str]] = field(default_factory=list)


def _unfinished(books: list[tuple[Path, Gradebook]]) -> None:
    """ProblemError listing the pairs no shard graded, by shard, with the fix."""
    lines = []
    for path, book in books:
        left = book.ungraded()
        if left:
            shard = ClassRun.load(book).shard
            which = f"shard {shard.k}/{shard.n}" if shard else "the run"
            shown = ", ".join(visible(f"{s}/{p}") for s, p in left[:10]) + (" ..." if len(left) > 10 else "")
            lines.append(f"{len(left)} pair(s) not graded: {which} ({path.parent}) did not finish: {shown}")
    if lines:
        raise ProblemError(f"cannot merge: {'; '.join(lines)}; rerun the same judge grade command for that shard "
                           f"(it resumes), then merge again")


def _check(books: list[tuple[Path, Gradebook]]) -> None:
    judges: dict[str, Path] = {}
    tests: dict[tuple[str, str], Path] = {}
    shards: dict[int, Path] = {}
    sizes = set()
    for path, book in books:
        versions, hashes = book.versions()
        for v in versions:
            judges.setdefault(v, path)
        for problem, shas in hashes.items():
            for sha in shas:
                tests.setdefault((problem, sha), path)
        shard = ClassRun.load(book).shard
        if shard:
            if shard.k in shards:
                raise ProblemError(f"{path}: shard {shard.k}/{shard.n} is also {shards[shard.k]}; "
                                   f"pass each shard once")
            shards[shard.k] = path
            sizes.add((shard.n, shard.pairs))
    if len(judges) > 1:
        listed = ", ".join(f"{v} ({p})" for v, p in judges.items())
        raise ProblemError(f"the gradebooks were graded by different judge versions: {listed}; regrade the older "
                           f"shards with this judge")
    by_problem: dict[str, list[tuple[str, Path]]] = {}
    for (problem, sha), path in tests.items():
        by_problem.setdefault(problem, []).append((sha, path))
    for problem, seen in by_problem.items():
        if len(seen) > 1:
            raise ProblemError(f"problem {problem} was graded with different tests in {seen[0][1]} and "
                               f"{seen[1][1]}; regrade those shards with the same tests")
    if len(sizes) > 1:
        raise ProblemError("the shards come from different splits (N or class size differ); merge the shards of "
                           "one run")
    if sizes:
        (n, _pairs), = sizes
        missing = sorted(set(range(1, n + 1)) - set(shards))
        if missing or len(shards) != len(books):
            what = f"shard(s) {', '.join(f'{k}/{n}' for k in missing)} missing" if missing else \
                "a gradebook that is not a shard was mixed with shards"
            raise ProblemError(f"cannot merge: {what}; pass every shard's output folder")


def merge_gradebooks(out: Path, sources: list[Path], root: Path, *, similarity: bool = True) -> MergeSummary:
    """Join the gradebooks of ``sources`` (shard output folders or gradebook.db files) into ``out``."""
    paths = [s / "gradebook.db" if s.is_dir() else s for s in sources]
    for p in paths:
        if not p.is_file():
            raise ProblemError(f"{p}: no gradebook here; pass the output folders of the shards")
    target = (out / "gradebook.db").resolve()
    if target in {p.resolve() for p in paths}:
        raise ProblemError(f"{out}: is one of the shards; merge into a new folder")
    books = [(p, Gradebook(p)) for p in paths]
    try:
        _check(books)
        _unfinished(books)
        run = ClassRun.merged([ClassRun.load(b) for _, b in books])
    finally:
        for _, b in books:
            b.close()
    out.mkdir(parents=True, exist_ok=True)
    kept: list[dict[str, Any]] = []
    if target.exists():
        with Gradebook(target) as old:
            kept = old.all_overrides()  # set on the merged folder: they survive a re-merge
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
    summary = MergeSummary(shards=len(paths))
    course = Course.from_json(run.course) if run.course else None
    submissions, known = run.submissions, run.known_sources
    with Gradebook(target) as book:
        book.set_roster([])
        for p in paths:
            summary.pairs += book.absorb(p)
        run.save(book)
        if kept:
            apply_overrides(book, kept)
        if course is not None and course.overrides_file:
            sync_overrides(book, Path(course.overrides_file))
        summary.overrides = len(book.overrides())
        problems = book.problems()
        if similarity and submissions and Path(submissions).is_dir():
            roster = read_roster(Path(submissions), problems, course.student_ids if course else None)
            book.set_similarity(class_similarity(roster.files, problems, root,
                                                 known=Path(known) if known and Path(known).is_dir() else None))
            summary.similarity = f"computed from {submissions}"
        else:
            summary.similarity = "skipped: the submissions folder is not readable here"
        summary.students = len(book.students())
        render_outputs(book, out, title=f"Class report: {Path(submissions).name if submissions else 'merged'}",
                       course=course, gradescope=run.gradescope)
        summary.judge_errors = book.judge_errors()
    return summary
