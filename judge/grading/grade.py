"""``judge grade``: grade a class folder into a resumable gradebook and write the class outputs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import judge
from judge import judge_version
from judge.problems import ProblemError, load_problem, problem_ids
from judge.results import sha256_bytes
from judge.sandbox import select_sandbox

from .gradebook import MISSING_SHA256, Gradebook
from .html_report import write_report
from .outputs import write_csv, write_student_files
from .pool import GradingPool, Task
from .roster import Pair, read_roster

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
    warn: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> GradeSummary:
    started = time.monotonic()
    try:
        spec = select_sandbox(sandbox)
    except ValueError as exc:
        raise ProblemError(f"--sandbox {sandbox}: {exc}") from None
    if spec.tier == "process" and not allow_weak_sandbox:
        raise ProblemError(WEAK_SANDBOX)
    submissions, out = submissions.resolve(), out.resolve()
    if out == submissions or submissions in out.parents:
        raise ProblemError(f"{out}: the output folder is inside the submissions folder; pass --out elsewhere")
    ids = pick_problems(root, problems, warn)
    roster = read_roster(submissions, ids)
    tests_sha = {pid: load_problem(root, pid).tests_sha256("all") for pid in ids}
    out.mkdir(parents=True, exist_ok=True)
    if spec.tier == "container":  # workers run as other users: the class, the gradebook and the judge are not theirs
        from judge.container import judge_folders, lock_folders

        changed = lock_folders([*judge_folders(root), submissions, out])
        if changed:
            warn(f"container sandbox tier: took other users' access away from {', '.join(changed)}")
    summary = GradeSummary(total=roster.size, ignored=roster.ignored, sandbox=spec.tier)
    book = Gradebook(out / "gradebook.db")
    try:
        book.set_roster([(s, p) for s in roster.students for p in ids])
        bar = Progress(roster.size, progress)

        def tasks() -> Iterator[Task]:
            for pair in roster.pairs():
                sha = sha256_bytes(pair.path.read_bytes()) if pair.path is not None else MISSING_SHA256
                stored = book.fingerprint(pair.student, pair.problem)
                if (not regrade and stored is not None and stored[:3] == (sha, tests_sha[pair.problem], judge_version())
                        and stored[3] != "judge_error"):
                    summary.skipped += 1
                    bar.step(f"{pair.student}/{pair.problem} (already graded)")
                    continue
                request = {"problem": pair.problem, "path": str(pair.path) if pair.path else None,
                           "sandbox": spec.tier}
                yield Task(request, meta=(pair, sha))

        def done(task: Task, result: dict[str, Any] | None, error: str) -> None:
            pair, sha = task.meta
            assert isinstance(pair, Pair)
            if result is not None:
                book.record(pair.student, pair.problem, result=result, solution_sha256=result["solution_sha256"],
                            tests_sha256=result["tests_sha256"], judge_version=result["judge_version"],
                            sandbox=result.get("sandbox", spec.tier))
            else:
                book.record(pair.student, pair.problem, result=None, solution_sha256=sha,
                            tests_sha256=tests_sha[pair.problem], judge_version=judge_version(), sandbox=spec.tier,
                            message=f"the judge failed twice: {error}")
            summary.graded += 1
            bar.step(f"{pair.student}/{pair.problem}")

        with (out / "grading.log").open("ab") as log:
            pool = GradingPool(jobs, _child_env(root), log=log, pair_timeout_s=pair_timeout_s)
            try:
                pool.run(tasks(), done)
            finally:
                bar.finish()
                summary.children_started = pool.children_started
        write_csv(book, out)
        write_student_files(book, out, gradescope=gradescope)
        write_report(book, out, title=f"Class report: {submissions.name}")
        summary.judge_errors = book.judge_errors()
    finally:
        book.close()
    summary.elapsed_s = time.monotonic() - started
    return summary
