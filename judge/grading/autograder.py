"""What ``run_autograder`` runs in a Gradescope container: grade one student's files, write results.json.

``python -m judge.grading.autograder --root ROOT`` grades every ``<problem_id>.py`` found (at any depth) in
``ROOT/submission`` against the problems bundled in ``ROOT/source/problems`` and writes
``ROOT/results/results.json``. Something always gets written: a problem whose grading fails is reported in the
output as a judge error (never as a silent 0 for a passing student), and the exit status is then 3.

Overall deadline: the bundle's ``deadline_s`` (``judge export gradescope --deadline``, default 480 s, under
Gradescope's 10 minutes). results.json is written before the first problem and after each one; problems the
deadline leaves ungraded are marked ``timeout`` with a message that says so.

Sandbox: the strongest tier that runs (``bwrap``; in a Docker container where bubblewrap cannot start, the
``container`` tier, since Gradescope runs the autograder as root). Before any submission runs under the
``container`` tier, everything in ROOT but the virtual environment (the bundle with its hidden tests, the results
folder, Gradescope's submission metadata) and the judge's own files are made unreadable to other users, which the
worker's uid is. The weak ``process`` tier, which would let a submission read the hidden tests and rewrite
results.json, is refused unless the bundle was exported with ``--allow-weak-sandbox`` (``autograder.json`` in the
bundle) or ``JUDGE_ALLOW_WEAK_SANDBOX=1`` is set: results.json then says the autograder is misconfigured, with
score 0 and no test run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from judge.engine.problems import ProblemError, find_root, load_problem, problem_ids
from judge.engine.results import deadline_result
from judge.engine.runner import collect_tests
from judge.engine.verdicts import is_judge_error
from judge.sandbox.launch import SandboxSpec, select_sandbox

from .bounded import CONFIG_LIMIT, parse_guard, read_bounded
from .child import Grader
from .gradescope import CONFIG_NAME, DEFAULT_DEADLINE_S, to_gradescope
from .inert_text import visible
from .roster import _kind as refusal  # the class folder's rule: no links, hard links or special files

ALLOW_WEAK_ENV = "JUDGE_ALLOW_WEAK_SANDBOX"
DEADLINE_ENV = "JUDGE_AUTOGRADER_DEADLINE_S"
FINISH_RESERVE_S = 20.0  # kept back from the deadline for marking the problems left and writing results.json
MISCONFIGURED = (
    "The autograder is misconfigured: no test was run and this score of 0 is not a grade. Only the weak 'process' "
    "sandbox tier can run in this image (bubblewrap cannot start and the autograder does not run as root), and a "
    "submission graded there could read the hidden tests and rewrite its own score. Your instructor must fix the "
    "autograder (install bubblewrap, or run it as root) and regrade; or export the bundle with "
    "--allow-weak-sandbox to accept the risk."
)


def bundle_config(source: Path) -> dict:
    """The bundle's ``autograder.json`` (written by ``judge export gradescope``), or {}."""
    path = source / CONFIG_NAME
    try:
        with parse_guard(path, "export the bundle again"):
            config = json.loads(read_bounded(path, CONFIG_LIMIT, "export the bundle again"))
    except (OSError, ValueError, ProblemError):
        return {}
    return config if isinstance(config, dict) else {}


def weak_sandbox_allowed(source: Path) -> bool:
    """Whether the bundle (``autograder.json``, written by ``judge export gradescope --allow-weak-sandbox``) or
    the environment (``JUDGE_ALLOW_WEAK_SANDBOX=1``) accepts grading on the ``process`` tier."""
    if os.environ.get(ALLOW_WEAK_ENV, "") not in ("", "0"):
        return True
    return bundle_config(source).get("allow_weak_sandbox") is True


def deadline_of(source: Path) -> float:
    """The autograder's overall deadline in seconds (``JUDGE_AUTOGRADER_DEADLINE_S`` overrides the bundle's)."""
    raw = os.environ.get(DEADLINE_ENV) or bundle_config(source).get("deadline_s", DEFAULT_DEADLINE_S)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return DEFAULT_DEADLINE_S
    return value if value > 0 else DEFAULT_DEADLINE_S


class DeadlineReached(KeyboardInterrupt):
    """Raised by the overall deadline's alarm: pytest stops the problem being graded, the worker is killed."""


def not_graded(grader: Grader, pid: str, tier: str, message: str) -> dict:
    """A result for a problem the deadline left ungraded: every test ``timeout`` with ``message``, score 0."""
    problem = grader.problem(pid)
    return deadline_result(problem, collect_tests(problem), tier, message)


def lock_down(root: Path, source: Path) -> list[str]:
    """Container tier: take other users' access away from everything under ``root`` except the virtual
    environment (the worker's interpreter and NumPy), and from the judge's own folders; ``root`` itself stays
    traversable but not listable."""
    from judge.sandbox.container import judge_folders, lock_folders

    keep = {(root / "venv").resolve(), Path(sys.prefix).resolve()}
    inside = [p for p in root.iterdir() if p.resolve() not in keep]
    changed = lock_folders([*inside, *judge_folders(source)])
    mode = root.stat().st_mode & 0o777
    if mode & 0o006:
        os.chmod(root, mode & ~0o006)
        changed.append(str(root))
    return changed


def write_misconfigured(results_path: Path, tier: str) -> None:
    doc = to_gradescope([], extra_output=MISCONFIGURED + f" (sandbox tier: {tier})")
    results_path.write_text(json.dumps(doc, indent=2) + "\n")


def find_submissions(folder: Path, ids: list[str], refused: list[str] | None = None) -> dict[str, Path]:
    """problem id -> the submitted file (the shallowest match wins, then the first in sorted order). Only plain
    regular files count: a symbolic link (a file or a folder), a hard link or a special file named like a problem
    is never followed or read, and is listed in ``refused`` with why."""
    found: dict[str, Path] = {}
    if folder.is_symlink() or not folder.is_dir():
        return found
    candidates = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in filenames:
            f = here / name
            if not name.endswith((".py", ".ipynb")) or f.stem not in ids:
                continue
            why = refusal(f.lstat())
            if why is None:
                candidates.append(f)
            elif refused is not None:
                refused.append(f"{visible(f.relative_to(folder))}: {why}")
        for name in dirnames:
            if (here / name).is_symlink() and refused is not None:
                refused.append(f"{visible((here / name).relative_to(folder))}: refused: a symbolic link (links are "
                               f"never followed)")
    for f in sorted(candidates, key=lambda p: (len(p.parts), p.suffix != ".py", str(p))):  # a .py beats a notebook
        found.setdefault(f.stem, f)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=os.environ.get("JUDGE_AUTOGRADER_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    root = Path(args.root)
    started = time.monotonic()
    results_path = root / "results" / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    source = find_root(root / "source")
    spec: SandboxSpec = select_sandbox("auto")
    if spec.weak and not weak_sandbox_allowed(source):
        write_misconfigured(results_path, spec.tier)
        print(f"wrote {results_path}: the autograder is misconfigured (only the 'process' sandbox tier runs here; "
              f"set {ALLOW_WEAK_ENV}=1 or export with --allow-weak-sandbox to accept it); no test was run",
              file=sys.stderr)
        return 3
    ids = problem_ids(source)
    refused: list[str] = []
    files = find_submissions(root / "submission", ids, refused)
    builds_on = {pid: load_problem(source, pid).builds_on for pid in ids}
    earlier = find_submissions(root / "submission", sorted({d for deps in builds_on.values() for d in deps}))
    if spec.leases_uids:
        locked = lock_down(root, source)
        print(f"container sandbox tier: took other users' access away from {len(locked)} path(s)", file=sys.stderr)
    deadline_s = deadline_of(source)
    note = f"graded under the '{spec.tier}' sandbox tier"
    if refused:
        note += "; not graded: " + "; ".join(refused)
    if not files:
        note += f"; no file named <problem_id>.py was found in your submission (expected one of: {', '.join(ids)})"
    run = _Run(results_path, ids, started, deadline_s, note)
    grader = Grader(source)
    run.write(False)
    try:
        _grade_until(run, grader, files, {pid: {dep: str(earlier[dep]) if dep in earlier else None for dep in deps}
                                          for pid, deps in builds_on.items()}, spec.tier,
                     stop_at=started + max(deadline_s - FINISH_RESERVE_S, deadline_s / 2))
        done = {r["problem"] for r in run.results} | set(run.errors) | set(run.late)
        run.late += [pid for pid in ids if pid not in done]
        message = (f"not run: the autograder's overall deadline of {deadline_s:g} s came before this problem "
                   "was graded")
        for pid in run.late:
            run.results.append(not_graded(grader, pid, spec.tier, message))
    finally:
        grader.close()
    doc = run.write(True)
    import judge

    print(f"wrote {results_path}: score {doc['score']:g}; {len(files)} file(s) graded; judge errors: "
          f"{', '.join(run.errors) or 'none'}; judge {judge.__version__} from {Path(judge.__file__).parent}")
    return 3 if run.errors else 0


@dataclass
class _Run:
    """One autograder run: the problems graded so far (``results``), those the judge failed on (``errors``) and
    those the overall deadline left (``late``), and the note results.json carries."""

    path: Path
    ids: list[str]
    started: float
    deadline_s: float
    note: str
    results: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)

    def write(self, final: bool) -> dict:
        """results.json as it stands: rewritten after every problem, so a run the platform kills still leaves
        a valid one that says which problems were not graded."""
        graded = {r["problem"] for r in self.results}
        pending = [p for p in self.ids if p not in graded and p not in self.errors]
        note = self.note
        if self.late:
            note += (f"; the autograder's overall deadline ({self.deadline_s:g} s) came before "
                     f"{', '.join(self.late)}: marked timeout, not graded")
        elif pending and not final:
            note += f"; grading did not finish: not graded yet: {', '.join(pending)}"
        doc = to_gradescope(self.results, judge_errors=[p for p in self.errors if p not in graded],
                            execution_time=time.monotonic() - self.started, extra_output=note)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=2) + "\n")
        os.replace(tmp, self.path)
        return doc


def _grade_until(run: _Run, grader: Grader, files: dict[str, Path], earlier: dict[str, dict[str, str | None]],
                 tier: str, *, stop_at: float) -> None:
    """Grade each problem in turn (``earlier[pid]``: the student's own files of the problems it builds on, from the
    same upload) until ``stop_at``: an alarm then interrupts the problem in progress; it and the rest count as late."""
    def alarm(signum: int, frame: object) -> None:
        raise DeadlineReached

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, max(stop_at - time.monotonic(), 0.001))
    try:
        for pid in run.ids:  # the alarm can interrupt anything here: whatever was not graded is marked by main
            path = files.get(pid)
            if time.monotonic() >= stop_at:
                run.late.append(pid)
                continue
            try:
                result = grader.grade_one(pid, str(path) if path else None, tier, earlier[pid])
            except DeadlineReached:
                run.late.append(pid)
                continue
            except Exception as exc:  # the judge failed on this problem: reported, never a silent 0
                if time.monotonic() >= stop_at:  # the deadline's alarm stopped pytest: not the judge's failure
                    run.late.append(pid)
                    continue
                print(f"judge error on {pid}: {type(exc).__name__}: {exc}", file=sys.stderr)
                run.errors.append(pid)
                continue
            if is_judge_error(result):
                run.errors.append(pid)
            run.results.append(result)
            run.write(False)
    except DeadlineReached:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


if __name__ == "__main__":
    sys.exit(main())
