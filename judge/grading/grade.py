"""``judge grade``: grade a class folder into a resumable gradebook and write the class outputs.

With a course file the roster, problems, deadlines and weights come from it and the LMS exports are written; with
``--shard K/N`` only a deterministic share of the pairs is graded, into that shard's own gradebook (see
:mod:`judge.grading.shard` for joining them).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import judge
from judge import judge_version
from judge.engine.problems import ProblemError, load_problem, problem_ids
from judge.engine.results import MISSING_SHA256, sha256_bytes
from judge.sandbox.launch import SandboxSpec, select_sandbox

from . import manifest
from .class_run import ClassRun, Shard
from .course import Course
from .gradebook import Gradebook
from .html_report import write_report
from .inert_text import visible
from .outputs import (
    remove_stale,
    shard_of,
    write_csv,
    write_feedback_returns,
    write_lms_exports,
    write_shard_notice,
    write_student_files,
)
from .pool import GradingPool, Task
from .roster import Pair, Roster, read_roster
from .similarity import class_similarity

WEAK_SANDBOX = (
    "the strongest sandbox available here is the 'process' tier, which cannot stop a submission from reading "
    "hidden tests, other students' files or the gradebook; install bubblewrap (apt-get install bubblewrap) or "
    "pass --allow-weak-sandbox to grade anyway"
)


@dataclass
class GradeSummary:
    total: int = 0
    graded: int = 0
    skipped: int = 0
    judge_errors: list[tuple[str, str, str]] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    reasons: list[tuple[Path, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    similar: int = 0
    sandbox: str = ""
    elapsed_s: float = 0.0
    children_started: int = 0


def pick_problems(root: Path, requested: list[str], warn: Callable[[str], None]) -> list[str]:
    """The requested problems (each must load), or every problem that loads and has tests."""
    if requested:
        for pid in requested:
            problem = load_problem(root, pid)
            if not problem.test_files("all"):
                raise ProblemError(f"{problem.path}: no test files; add tests_public.py before grading it")
        return list(dict.fromkeys(requested))
    chosen = []
    for pid in problem_ids(root):
        try:
            problem = load_problem(root, pid)
        except ProblemError as exc:
            warn(f"skipping problem {pid}: {exc}")
            continue
        if not problem.test_files("all"):
            warn(f"skipping problem {pid}: it has no test files yet")
            continue
        chosen.append(pid)
    if not chosen:
        raise ProblemError(f"{root / 'problems'}: no gradable problem found; pass --problems ID")
    return chosen


class Progress:
    """done/total, rate and ETA on one terminal line (only when enabled)."""

    def __init__(self, total: int, enabled: bool, stream: Any = None) -> None:
        self.total, self.enabled = total, enabled and total > 0
        self.stream = stream or sys.stdout
        self.done = 0
        self.start = time.monotonic()
        self.last = 0.0

    def step(self, label: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and self.done < self.total):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 28
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "." * (width - filled)
        line = (f"\r[{bar}] {self.done}/{self.total}  {rate:5.1f} pairs/s  ETA {int(eta) // 60}m{int(eta) % 60:02d}s"
                f"  {label[:40]:<40}")
        self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _child_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JUDGE_ROOT"] = str(root)
    package_parent = str(Path(judge.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1 <= K <= N) as (K, N); ProblemError otherwise."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise ProblemError(f"--shard {text}: expected K/N with 1 <= K <= N, e.g. --shard 2/8")
    return k, n


def in_shard(student: str, problem: str, shard: tuple[int, int] | None) -> bool:
    """Whether the pair belongs to shard K of N: a hash of the pair's names, the same on every machine."""
    if shard is None:
        return True
    digest = hashlib.sha256(f"{student}\0{problem}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % shard[1] == shard[0] - 1


def read_manifest(submissions: Path) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(student, problem) -> (submitted_at, original name) from ``judge collect``'s manifest, if any."""
    return {key: (entry.submitted_at, entry.original) for key, entry in manifest.read(submissions).items()}


def read_manifest_notes(submissions: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """student -> problem -> the LATE mark, where the time came from and the group, from the manifest."""
    notes: dict[str, dict[str, dict[str, Any]]] = {}
    for (student, problem), entry in manifest.read(submissions).items():
        notes.setdefault(student, {})[problem] = entry.notes()
    return notes


def render_outputs(book: Gradebook, out: Path, *, title: str, gradescope: bool = False,
                   course: Course | None = None) -> list[str]:
    """Every file built from the gradebook: grades.csv, results/, feedback/, report.html, the LMS exports; the
    files of students no longer in the roster are removed. Returns those students."""
    shard = shard_of(book)
    if shard is not None:
        title += f" (shard {shard[0]} of {shard[1]}: partial; join the shards with judge merge)"
    removed = remove_stale(out, book.students())
    write_csv(book, out, course)
    write_student_files(book, out, gradescope=gradescope, course=course)
    if shard_of(book) is None:  # a shard's grades are partial: never a file an LMS would import
        write_feedback_returns(book, out)
        if course is not None:
            write_lms_exports(book, out, course)
    write_shard_notice(book, out)
    write_report(book, out, title=title, course=course)
    return removed


def save_reasons(out: Path, submissions: Path, reasons: list[tuple[Path, str]]) -> Path:
    """OUT/ignored.txt: every file of the class folder that was not graded, and why (tab-separated)."""
    path = out / "ignored.txt"
    lines = ["# files of the class folder that were not graded: path<TAB>why"]
    for f, why in reasons:
        try:
            rel = f.relative_to(submissions)
        except ValueError:
            rel = f
        lines.append(f"{visible(rel)}\t{visible(why)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def not_graded_by_student(submissions: Path, reasons: list[tuple[Path, str]]) -> dict[str, list[list[str]]]:
    """student -> [[file inside their folder, why it was not graded]], for their feedback."""
    out: dict[str, list[list[str]]] = {}
    for f, why in reasons:
        try:
            parts = f.relative_to(submissions).parts
        except ValueError:
            continue
        if len(parts) > 1:
            out.setdefault(parts[0], []).append(["/".join(parts[1:]), why])
    return out


def resume_key(sha: str, earlier: dict[str, Path | None]) -> str:
    """What a pair's grade depends on besides the tests and the judge: its file, and the student's files of the
    problems it builds on (``sha`` itself when there are none, so older gradebooks stay valid)."""
    present = sorted((dep, f) for dep, f in earlier.items() if f is not None)
    if not present:
        return sha
    parts = [sha] + [f"{dep}:{sha256_bytes(f.read_bytes())}" for dep, f in present]
    return sha256_bytes("\n".join(parts).encode())


def log_lines(out: Path, lines: list[str]) -> None:
    """Append what the terminal showed to OUT/grading.log."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    with (out / "grading.log").open("a", encoding="utf-8") as fh:
        fh.writelines(f"[judge grade {stamp}] {visible(line)}\n" for line in lines)


def _sandbox_for_class(sandbox: str, allow_weak_sandbox: bool) -> SandboxSpec:
    try:
        spec = select_sandbox(sandbox)
    except ValueError as exc:
        raise ProblemError(f"--sandbox {sandbox}: {exc}") from None
    if spec.weak and not allow_weak_sandbox:
        raise ProblemError(WEAK_SANDBOX)
    return spec


@dataclass
class _ClassPairs:
    """The pairs of one run: which go to the grading pool (:meth:`tasks`: not graded yet, changed, or all with
    ``regrade``) and what becomes of each answer (:meth:`done`: a gradebook row, the progress bar)."""

    book: Gradebook
    roster: Roster
    chosen: set[tuple[str, str]]
    builds_on: dict[str, list[str]]
    tests_sha: dict[str, str]
    spec: SandboxSpec
    summary: GradeSummary
    bar: Progress
    regrade: bool = False

    def tasks(self) -> Iterator[Task]:
        for pair in self.roster.pairs():
            if (pair.student, pair.problem) not in self.chosen:
                continue
            sha = sha256_bytes(pair.path.read_bytes()) if pair.path is not None else MISSING_SHA256
            earlier = {dep: self.roster.files.get((pair.student, dep)) for dep in self.builds_on[pair.problem]}
            if pair.path is not None:  # a change to an earlier file it may import changes its grade too
                sha = resume_key(sha, earlier)
            if not self.regrade and self.book.is_unchanged(pair.student, pair.problem, sha,
                                                           self.tests_sha[pair.problem], judge_version(),
                                                           self.spec.tier):
                self.summary.skipped += 1
                self.bar.step(visible(f"{pair.student}/{pair.problem} (already graded)"))
                continue
            request = {"problem": pair.problem, "path": str(pair.path) if pair.path else None,
                       "sandbox": self.spec.tier}
            if earlier:
                request["builds_on"] = {dep: str(f) if f else None for dep, f in earlier.items()}
            yield Task(request, meta=(pair, sha))

    def done(self, task: Task, result: dict[str, Any] | None, error: str) -> None:
        pair, sha = task.meta
        assert isinstance(pair, Pair)
        if result is not None:
            self.book.record(pair.student, pair.problem, result=result,
                             solution_sha256=sha if self.builds_on[pair.problem] else result["solution_sha256"],
                             tests_sha256=result["tests_sha256"], judge_version=result["judge_version"],
                             sandbox=result.get("sandbox", self.spec.tier))
        else:
            self.book.record(pair.student, pair.problem, result=None, solution_sha256=sha,
                             tests_sha256=self.tests_sha[pair.problem], judge_version=judge_version(),
                             sandbox=self.spec.tier, message=f"the judge failed twice: {error}")
        self.summary.graded += 1
        self.bar.step(visible(f"{pair.student}/{pair.problem}"))


def grade_class(
    root: Path,
    submissions: Path,
    out: Path,
    *,
    problems: list[str],
    jobs: int,
    regrade: bool = False,
    progress: bool = False,
    gradescope: bool = False,
    allow_weak_sandbox: bool = False,
    sandbox: str = "auto",
    pair_timeout_s: float = 900.0,
    course: Course | None = None,
    shard: tuple[int, int] | None = None,
    similarity: bool = True,
    known_sources: Path | None = None,
    warn: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> GradeSummary:
    started = time.monotonic()
    spec = _sandbox_for_class(sandbox, allow_weak_sandbox)
    submissions, out = submissions.resolve(), out.resolve()
    if out == submissions or submissions in out.parents:
        raise ProblemError(f"{out}: the output folder is inside the submissions folder; pass --out elsewhere")
    if course is not None and not problems:
        problems = course.problems
    ids = pick_problems(root, problems, warn)
    loaded = {pid: load_problem(root, pid) for pid in ids}
    builds_on = {pid: p.builds_on for pid, p in loaded.items()}
    roster = read_roster(submissions, ids, course.student_ids if course is not None else None,
                         sorted({d for deps in builds_on.values() for d in deps} - set(ids)))
    manifest = read_manifest(submissions)
    tests_sha = {pid: p.tests_sha256("all") for pid, p in loaded.items()}
    out.mkdir(parents=True, exist_ok=True)
    if spec.leases_uids:  # workers run as other users: the class, the gradebook and the judge are not theirs
        from judge.sandbox.container import judge_folders, lock_folders

        changed = lock_folders([*judge_folders(root), submissions, out])
        if changed:
            warn(f"container sandbox tier: took other users' access away from {', '.join(changed)}")
    mine = [(s, p) for s in roster.students for p in ids if in_shard(s, p, shard)]
    summary = GradeSummary(total=len(mine), ignored=roster.ignored, reasons=roster.reasons, sandbox=spec.tier)
    save_reasons(out, submissions, roster.reasons)
    log_lines(out, [f"grading {submissions} ({len(mine)} pairs, sandbox {spec.tier}"
                    + (f", shard {shard[0]}/{shard[1]}" if shard else "") + ")"]
              + [f"not graded: {f}: {why}" for f, why in roster.reasons])
    book = Gradebook(out / "gradebook.db")
    try:
        book.set_roster(mine)
        ClassRun(course=course.to_json() if course is not None else None,
                 shard=Shard(shard[0], shard[1], roster.size, list(ids)) if shard else None,
                 submissions=str(submissions), gradescope=gradescope,
                 known_sources=str(known_sources.resolve()) if known_sources else None,
                 not_graded=not_graded_by_student(submissions, roster.reasons),
                 submission_notes=read_manifest_notes(submissions)).save(book)
        book.set_submissions([(s, p, *manifest[(s, p)]) for s, p in mine
                              if (s, p) in manifest and (s, p) in roster.files])
        pairs = _ClassPairs(book, roster, set(mine), builds_on, tests_sha, spec, summary,
                            Progress(len(mine), progress), regrade=regrade)
        with (out / "grading.log").open("ab") as log:
            pool = GradingPool(jobs, _child_env(root), log=log, pair_timeout_s=pair_timeout_s)
            try:
                pool.run(pairs.tasks(), pairs.done)
            finally:
                pairs.bar.finish()
                summary.children_started = pool.children_started
        _after_grading(book, out, root, roster, ids, summary, title=f"Class report: {submissions.name}",
                       similarity=similarity and shard is None, clear_similarity=not similarity,
                       known_sources=known_sources, gradescope=gradescope, course=course)
    finally:
        book.close()
    summary.elapsed_s = time.monotonic() - started
    return summary


def _after_grading(book: Gradebook, out: Path, root: Path, roster: Roster, ids: list[str], summary: GradeSummary,
                   *, title: str, similarity: bool, clear_similarity: bool, known_sources: Path | None,
                   gradescope: bool, course: Course | None) -> None:
    """Once every pair is graded: similarity (a whole run only), the course's overrides, every output."""
    if similarity:
        rows = class_similarity(roster.files, ids, root, known=known_sources)
        book.set_similarity(rows)
        summary.similar = len(rows)
    elif clear_similarity:
        book.set_similarity([])
    if course is not None and course.overrides_file:
        from .overrides import sync

        sync(book, Path(course.overrides_file))
    summary.removed = render_outputs(book, out, title=title, gradescope=gradescope, course=course)
    summary.judge_errors = book.judge_errors()
