"""Run a problem's tests against one solution file and return a validated result.

The tests run here, in the trusted process, under pytest with :class:`~judge.plugin.JudgePlugin`; the
learner's file is only ever imported by the worker that :class:`~judge.executor.Executor` starts.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from judge.executor import Executor, Limits
from judge.inspection import inspect_source
from judge.plugin import JudgePlugin, TestRecord
from judge.problems import Problem, ProblemError
from judge.proxy import SolutionProxy
from judge.results import build_result, sha256_bytes
from judge.sandbox import SandboxSpec, select_sandbox

INI = Path(__file__).resolve().parent / "pytest_judge.ini"
TRUSTED_TIMEOUT_S = 120
# Built-in pytest plugins the judge never needs; unraisableexception and threadexception each run gc.collect()
# at the end of a session, a third of the cost of a small run.
UNUSED_PYTEST_PLUGINS = ("unraisableexception", "threadexception", "doctest", "junitxml", "pastebin", "stepwise",
                         "nose", "legacypath", "recwarn", "tmpdir", "monkeypatch", "setuponly", "setupplan")


class JudgeError(Exception):
    """The judge itself could not run the tests (a broken test file, a pytest failure)."""


def read_solution(path: str | os.PathLike) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise ProblemError(f"{p}: no such file; pass a solution file, or run 'judge start ID' to create one")
    return p.read_bytes()


@contextlib.contextmanager
def _quiet_pytest():
    """pytest's own terminal output is not the judge's; keep it (for JudgeError) but do not print it."""
    buf = io.StringIO()
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            yield buf
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def _forget_test_modules(folder: Path) -> None:
    """Drop the imported test modules of ``folder`` so the next run imports them afresh."""
    prefixes = (str(folder) + os.sep, os.path.realpath(folder) + os.sep)
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.startswith(prefixes):
            del sys.modules[name]


def _run_pytest(problem: Problem, files: list[tuple[Path, str]], plugin: JudgePlugin, *extra: str) -> None:
    """Run pytest in this process on ``files`` of ``problem`` with ``plugin``, quietly; JudgeError when the test
    files themselves cannot be collected or run."""
    args = [
        *[str(p) for p, _ in files],
        "-c", str(INI), "--rootdir", str(problem.path.parent), "--import-mode=importlib",
        "-p", "no:cacheprovider", "-p", "pytest_timeout", "--timeout", str(TRUSTED_TIMEOUT_S),
        *[arg for name in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{name}")],
        "-q", "--no-header", "--tb=line", "-o", "python_files=tests_*.py", *extra,
    ]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a run allocates many small objects and frees them by reference counting; cycles wait until after
    try:
        with _quiet_pytest() as log:
            code = pytest.main(args, plugins=[plugin])
    finally:
        if gc_was_enabled:
            gc.enable()
        _forget_test_modules(problem.path)
    if plugin.collection_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        detail = "; ".join(plugin.collection_errors) or log.getvalue()[-2000:]
        raise JudgeError(f"{problem.path}: the tests could not run (pytest exit {int(code)}): {detail}")


def collect_tests(problem: Problem, visibility: str = "all") -> list[dict[str, Any]]:
    """The tests of ``problem`` (name, visibility, points) from a pytest collection, without running anything."""
    files = problem.test_files(visibility)
    plugin = JudgePlugin(None, {p.name: v for p, v in files}, problem.hidden_feedback)  # type: ignore[arg-type]
    _run_pytest(problem, files, plugin, "--collect-only")
    return [{"name": r.name, "visibility": r.visibility, "max_score": r.max_score} for r in plugin.records.values()]


def spare_executor(problem: Problem, sandbox: SandboxSpec) -> Executor:
    """A worker that boots now (interpreter, NumPy, sandbox) for a file named later by :func:`run_solution`."""
    limits = Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)
    executor = Executor(None, problem.entry_points, problem.allowed_imports, limits, sandbox=sandbox)
    executor.start()
    return executor


def spare_fits(spare: Executor, limits: Limits, sandbox: SandboxSpec) -> bool:
    """Whether a spare booted with the limits and tier that this run needs (those are fixed at boot)."""
    boot = ("memory_mb", "file_size_mb", "open_files", "total_cpu_s", "processes")
    return (spare.solution_path is None and spare.sandbox.tier == sandbox.tier and spare.sticky is None
            and all(getattr(spare.limits, k) == getattr(limits, k) for k in boot))


def run_solution(
    problem: Problem,
    solution: str | os.PathLike,
    visibility: str = "all",
    *,
    seed: int = 0,
    sandbox: SandboxSpec | None = None,
    limits: Limits | None = None,
    validate: bool = True,
    spare: Executor | None = None,
) -> dict[str, Any]:
    """Judge ``solution`` on ``problem``: ``visibility`` is ``public`` (judge test) or ``all`` (judge submit).
    ``validate=False`` skips the JSON Schema check of the result (the test suite checks every path).
    ``spare`` is an executor started without a file (see :func:`spare_executor`); it is used when its boot-time
    limits and tier match, and closed otherwise."""
    started = time.monotonic()
    source = read_solution(solution)
    files = problem.test_files(visibility)
    if not files:
        raise ProblemError(f"{problem.path}: no test files ({visibility}); add tests_public.py")
    limits = limits or Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)
    sandbox = sandbox or select_sandbox("auto")
    static = inspect_source(source, problem.allowed_imports)
    if spare is not None and spare_fits(spare, limits, sandbox) and static is None:
        executor = spare
        executor.limits = limits
        executor.assign(solution, problem.entry_points, problem.allowed_imports, seed)
    else:
        if spare is not None:
            spare.close()
        executor = Executor(solution, problem.entry_points, problem.allowed_imports, limits, seed=seed,
                            sandbox=sandbox)
        if static is not None:
            executor.sticky = static
        else:
            executor.start()
    proxy = SolutionProxy(executor, problem.entry_points, limits.time_s)
    plugin = JudgePlugin(proxy, {p.name: v for p, v in files}, problem.hidden_feedback)
    try:
        _run_pytest(problem, files, plugin)
    finally:
        executor.close()
    records: list[TestRecord] = list(plugin.records.values())
    load_failure = None
    if executor.sticky is not None:
        load_failure = f"{executor.sticky.verdict}: {executor.sticky.message}"
        for r in records:
            r.status, r.message = executor.sticky.verdict, executor.sticky.message
    stdout, stderr = executor.output()
    show_output = visibility == "public" or problem.hidden_feedback == "full"
    return build_result(
        problem=problem.id,
        tests=[r.as_dict() for r in records],
        duration_s=time.monotonic() - started,
        solution_sha256=sha256_bytes(source),
        tests_sha256=problem.tests_sha256(visibility),
        visibility=visibility,
        sandbox=sandbox.tier,
        load_failure=load_failure,
        stdout=stdout if show_output else "",
        stderr=stderr if show_output else "",
        validate=validate,
    )
