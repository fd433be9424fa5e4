"""A grading child: ``python -m judge.grading.child`` grades the pairs it reads on stdin, one JSON line each.

Request: ``{"id": n, "problem": ID, "pairs": [{"key": K, "path": FILE or null}, ...], "sandbox": TIER}``: a
batch of submissions of one problem, judged in one pytest session (see :func:`judge.engine.runner.run_batch`) with
workers forked from one zygote. Replies, one line per pair on the original stdout as soon as it is judged:
``{"id": n, "key": K, "ok": true, "result": RESULT}`` or ``{"id": n, "key": K, "ok": false, "error": "one line"}``.
pytest runs in this process (the judge core's runner), so file descriptor 1 is pointed at stderr before anything runs:
nothing printed by pytest, NumPy or a test can ever reach the reply channel.

Lifetime: the child dies (SIGKILL) with the process that started it (``PR_SET_PDEATHSIG``; its pid is the first
argument, checked right after, in case it died first), and its sandboxes die with it (bwrap's
``--die-with-parent``, the workers' own parent-death signal). On SIGTERM it kills its sandboxes from outside
first: every process below each zygote's bwrap (an init that cleared its parent-death signal too) and every
process of the uids it leased for the container tier.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from judge.engine.problems import Problem, find_root, load_problem
from judge.engine.results import missing_result
from judge.engine.runner import collect_tests
from judge.sandbox.launch import SandboxSpec, kill_tree, reap_all_strays, select_sandbox
from judge.sandbox.zygote import Zygote, zygote_for


class Grader:
    """Grades batches of pairs in this process; problems, their test lists and the zygote are kept between batches."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or find_root()
        self.problems: dict[str, Problem] = {}
        self.collected: dict[str, list[dict[str, Any]]] = {}
        self.zygotes: dict[str, Zygote | None] = {}

    def close(self) -> None:
        for zygote in self.zygotes.values():
            if zygote is not None:
                zygote.close()
        self.zygotes.clear()

    def problem(self, pid: str) -> Problem:
        if pid not in self.problems:
            self.problems[pid] = load_problem(self.root, pid)
        return self.problems[pid]

    def zygote(self, spec: SandboxSpec) -> Zygote | None:
        """One zygote per tier that has one (bwrap): each worker of this process forks from it."""
        if spec.tier not in self.zygotes:
            self.zygotes[spec.tier] = zygote_for(spec)
        return self.zygotes[spec.tier]

    def grade(self, pid: str, pairs: list[tuple[Any, str | None]], tier: str,
              on_result: Callable[[Any, dict[str, Any] | None, str], None],
              builds_on: dict[Any, dict[str, str | None]] | None = None) -> None:
        """Judge ``pairs`` ((key, path or None for a missing file)) of problem ``pid``; ``on_result`` per pair.
        ``builds_on[key]``: the same student's files of the problems ``pid`` builds on (None: no such file)."""
        from judge.engine.runner import run_batch

        problem = self.problem(pid)
        spec = select_sandbox(tier)
        files = []
        for key, path in pairs:
            if path is None:
                digest = problem.tests_sha256("all")
                if digest not in self.collected:
                    self.collected = {digest: collect_tests(problem)}
                on_result(key, missing_result(problem, self.collected[digest], spec.tier), "")
            else:
                files.append((key, path))
        if files:
            # Results are schema-checked by the test suite on every path (as for judge submit), not per pair here.
            run_batch(problem, files, on_result, "all", sandbox=spec, zygote=self.zygote(spec), validate=False,
                      builds_on=students_own(problem, builds_on or {}))

    def grade_one(self, pid: str, path: str | None, tier: str,
                  builds_on: dict[str, str | None] | None = None) -> dict[str, Any]:
        """The result of one pair; RuntimeError when the judge could not judge it."""
        got: list[tuple[dict[str, Any] | None, str]] = []
        self.grade(pid, [(pid, path)], tier, lambda _key, result, error: got.append((result, error)),
                   {pid: builds_on or {}})
        result, error = got[0]
        if result is None:
            raise RuntimeError(error)
        return result


def students_own(problem: Problem, files: dict[Any, dict[str, str | None]]) -> Callable[..., Any]:
    """Where a class's submission finds the earlier solutions it imports: only among the files the roster matched
    for the same student (``files[key]``), never beside it, so never another student's file."""
    def found(key: Any, _path: str) -> tuple[dict[str, Path | None], str]:
        mine = files.get(key) or {}
        return ({dep: Path(mine[dep]) if mine.get(dep) else None for dep in problem.builds_on},
                "among your submitted files")
    return found


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text[:2000]


def bind_to_parent(parent: int | None) -> None:
    """SIGKILL this process when its parent dies (Linux); exit at once if ``parent`` is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def terminate() -> None:
    """Kill every sandbox of this process from outside, then exit (the SIGTERM handler): every descendant (each
    zygote's bwrap and all below it, workers started directly), what the process tier's workers forked (by the
    token on their command line), then every process of the container tier's uids."""
    kill_tree(os.getpid(), spare_root=True)
    reap_all_strays()
    from judge.sandbox import container

    container.sweep_leased()
    os._exit(128 + signal.SIGTERM)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    bind_to_parent(int(args[0]) if args else None)
    reply = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    grader = Grader()
    signal.signal(signal.SIGTERM, lambda *_: terminate())
    try:
        _serve(grader, reply)
    finally:
        grader.close()


def _serve(grader: Grader, reply: Any) -> None:
    frozen = False
    for line in sys.stdin:
        if line.strip():
            _serve_batch(grader, reply, json.loads(line))
            if not frozen:  # what the first batch imported lives as long as the process: keep it out of every
                gc.collect()  # later garbage collection (a full one costs more than judging a small submission)
                gc.freeze()
                frozen = True


def _serve_batch(grader: Grader, reply: Any, request: dict[str, Any]) -> None:
    pending = {pair["key"]: pair.get("path") for pair in request["pairs"]}
    earlier = {pair["key"]: pair["builds_on"] for pair in request["pairs"] if pair.get("builds_on")}
    started = time.monotonic()

    def send(key: Any, result: dict[str, Any] | None, error: str) -> None:
        nonlocal started
        if key not in pending:
            return
        del pending[key]
        out = {"id": request["id"], "key": key, "ok": result is not None}
        if result is not None:
            out["result"] = result
        else:
            out["error"] = error
        out["elapsed_s"] = round(time.monotonic() - started, 4)
        started = time.monotonic()
        reply.write(json.dumps(out) + "\n")
        reply.flush()

    try:
        grader.grade(request["problem"], list(pending.items()), request.get("sandbox", "auto"), send, earlier)
    except Exception as exc:  # the judge failed on this batch: the pairs not yet answered are retried by the parent
        traceback.print_exc(file=sys.stderr)
        message = _one_line(exc)
        for key in list(pending):
            send(key, None, message)
    for key in list(pending):  # never leave a pair unanswered
        send(key, None, "the grading process did not judge this pair")


if __name__ == "__main__":
    main()
