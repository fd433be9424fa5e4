"""Run a problem's tests against one solution file and return a validated result.

The tests run here, in the trusted process, under pytest with :class:`~judge.engine.plugin.JudgePlugin`; the
learner's file is only ever imported by the worker that :class:`~judge.engine.executor.Executor` starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from judge.engine.builds_on import Shipped, locate, ship
from judge.engine.executor import Executor, Limits, Outcome
from judge.engine.inspection import inspect_source
from judge.engine.notebooks import is_notebook, notebook_as_python
from judge.engine.plugin import JudgePlugin, TestRecord
from judge.engine.problems import JudgeError, Problem, ProblemError
from judge.engine.proxy import SolutionProxy
from judge.engine.pytest_compat import plain_args, release_request, renew_request
from judge.engine.results import build_result, sha256_bytes
from judge.engine.verdicts import Seen, decide
from judge.sandbox.launch import SandboxSpec, containment, select_sandbox
from judge.sandbox.zygote import Zygote

INI = Path(__file__).resolve().parent / "pytest_judge.ini"
TRUSTED_TIMEOUT_S = 120
# Built-in pytest plugins the judge never needs; unraisableexception and threadexception each run gc.collect()
# at the end of a session, a third of the cost of a small run.
# logging, warnings and faulthandler wrap every test in capture handlers the judge never reads.
UNUSED_PYTEST_PLUGINS = ("unraisableexception", "threadexception", "doctest", "junitxml", "pastebin", "stepwise",
                         "nose", "legacypath", "recwarn", "tmpdir", "monkeypatch", "setuponly", "setupplan",
                         "logging", "warnings", "faulthandler", "capture")


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


def _run_pytest(problem: Problem, files: list[tuple[Path, str]], plugin: JudgePlugin, *extra: str,
                loop: Any = None) -> None:
    """Run pytest in this process on ``files`` of ``problem`` with ``plugin``, quietly; JudgeError when the test
    files themselves cannot be collected or run."""
    args = [
        *[str(p) for p, _ in files],
        "-c", str(INI), "--rootdir", str(problem.path.parent), "--import-mode=importlib",
        "-p", "no:cacheprovider", "-p", "pytest_timeout", "--timeout", str(TRUSTED_TIMEOUT_S),
        "-o", "timeout_func_only=true",  # the loop below runs the call phase through pytest_runtest_call
        *[arg for name in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{name}")],
        "-q", "--no-header", "--tb=line", "-o", "python_files=tests_*.py", *extra,
    ]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a run allocates many small objects and frees them by reference counting; a failed test's
    # frames are cleared once it is recorded (judge.engine.plugin.release_frames), the batch loop collects what
    # cycles are left after each submission
    try:
        with _quiet_pytest() as log:
            plugins = [plugin, plugin.fixtures(), *([loop] if loop is not None else [])]
            code = pytest.main(args, plugins=plugins)
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
    plugin = JudgePlugin({p.name: v for p, v in files}, problem.hidden_feedback)
    _run_pytest(problem, files, plugin, "--collect-only")
    return [{"name": r.name, "visibility": r.visibility, "max_score": r.max_score, "category": r.category}
            for r in plugin.records.values()]


@dataclass
class _Subject:
    """One submission of a batch: its worker, its proxy and what became of it."""

    key: Any
    path: str
    source: bytes = b""
    executor: Executor | None = None
    proxy: SolutionProxy | None = None
    started: float = 0.0
    failure: str | None = None
    notebook: dict[str, Any] | None = None  # a notebook submission: its cells used (judge/engine/notebooks.py)
    built_on: list[dict[str, str]] | None = None  # the earlier solutions it imported (judge/engine/builds_on.py)
    scratch: str | None = None  # the folder of a notebook's extracted source


class _BatchLoop:
    """Replaces pytest's run loop: every collected test runs once per submission, submission after submission.

    Collection (importing the test files, expanding parametrize) happens once for the whole batch. Each pass ends
    with ``nextitem=None``, which tears down every fixture down to the session, so no fixture value (the ``sol``
    proxy included) survives from one submission into the next; the pass's records become that submission's result
    as soon as its last test has run.
    """

    def __init__(self, plugin: JudgePlugin, subjects: list[_Subject], prepare: Callable[[_Subject], None],
                 finish: Callable[[_Subject], None]) -> None:
        self.plugin, self.subjects, self.prepare, self.finish = plugin, subjects, prepare, finish

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if session.config.option.collectonly or self.plugin.collection_errors or session.testsfailed:
            return True  # nothing runs; the caller reports the collection errors
        template = {k: dataclasses.replace(r) for k, r in self.plugin.records.items()}
        items = session.items
        plain = {item: plain_args(item, self.plugin.sol_function) for item in items}
        # A test that pytest sets up goes through teardown with the next such test, so pytest's own setup state
        # (session, module, class nodes and their fixtures) never sees the plain tests in between.
        staged = [item for item in items if plain[item] is None]
        after = {item: staged[i + 1] if i + 1 < len(staged) else None for i, item in enumerate(staged)}
        for subject in self.subjects:
            self.prepare(subject)
            if subject.failure is not None:
                self.finish(subject)
                continue
            self.plugin.serve(subject.proxy, {k: dataclasses.replace(r) for k, r in template.items()})
            for item in items:
                if plain[item] is not None:
                    self._run_plain(item, plain[item])
                else:
                    self._run_item(item, after[item])
            self.finish(subject)
            _free_submission_garbage()
        return True

    def _run_plain(self, item: pytest.Function, params: dict[str, Any]) -> None:
        """A test that takes only ``sol`` and its own parameters: its call phase, through pytest's hooks (the
        trusted timeout, the test function itself), with the arguments pytest's fixture setup would have given."""
        self.plugin.pytest_runtest_setup(item)
        item.funcargs = {**params, "sol": self.plugin.proxy}
        try:
            call = pytest.CallInfo.from_call(lambda: item.ihook.pytest_runtest_call(item=item), "call",
                                             (pytest.exit.Exception, KeyboardInterrupt))
            self.plugin.record(item, call)
        finally:
            item.funcargs = None
            os.environ.pop("PYTEST_CURRENT_TEST", None)  # what pytest's teardown would clear

    def _run_item(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """pytest's run protocol without its reports: setup, call (only after a clean setup), teardown, each phase
        through pytest's own hooks (fixtures, marks, the trusted timeout on the call); the plugin records the
        verdict from what each phase raised. The report and log hooks pytest would run around every phase are
        skipped: the judge never shows them, and they cost more than a typical test."""
        ihook = item.ihook
        reraise = (pytest.exit.Exception, KeyboardInterrupt)
        renew_request(item)  # the item ran for the previous submission
        setup = pytest.CallInfo.from_call(lambda: ihook.pytest_runtest_setup(item=item), "setup", reraise)
        self.plugin.record(item, setup)
        if setup.excinfo is None:
            call = pytest.CallInfo.from_call(lambda: ihook.pytest_runtest_call(item=item), "call", reraise)
            self.plugin.record(item, call)
        teardown = pytest.CallInfo.from_call(
            lambda: ihook.pytest_runtest_teardown(item=item, nextitem=nextitem), "teardown", reraise)
        self.plugin.record(item, teardown)
        release_request(item)


def _drop_scratch(subject: _Subject) -> None:
    if subject.scratch is not None:
        shutil.rmtree(subject.scratch, ignore_errors=True)
        subject.scratch = None


def _free_submission_garbage() -> None:
    """Free what a submission's tests left in cycles (a failure's traceback holds its frames, the arguments and the
    learner's results), so nothing of it is kept for the rest of the batch. pytest keeps the last failure in
    ``sys.last_*``; the young generations hold everything allocated since the last submission (collection is off
    within one), so this costs far less than a full collection."""
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    gc.collect(1)


@dataclass
class _Batch:
    """What :func:`run_batch` does per submission: :meth:`prepare` (read it, find what it builds on, inspect it,
    start its worker) before its tests, :meth:`finish` (the result) after them."""

    problem: Problem
    visibility: str
    plugin: JudgePlugin
    limits: Limits
    sandbox: SandboxSpec
    on_result: Callable[[Any, dict[str, Any] | None, str], None]
    seed: int = 0
    validate: bool = True
    zygote: Zygote | None = None
    builds_on: Callable[[Any, str], tuple[dict[str, Path | None], str]] | None = None

    def prepare(self, subject: _Subject) -> None:
        if subject.executor is not None or subject.failure is not None:
            return
        subject.started = time.monotonic()
        try:
            subject.source = read_solution(subject.path)
        except (ProblemError, OSError) as exc:
            subject.failure = str(exc)
            return
        load_path, code, unreadable = self._loadable(subject)
        shipped = self._earlier_solutions(subject, code) if not unreadable else None
        problem = self.problem
        executor = Executor(load_path, problem.entry_points, problem.allowed_imports, self.limits, seed=self.seed,
                            sandbox=self.sandbox, zygote=self.zygote,
                            builds_on=shipped.modules if shipped else None)
        static = (Outcome(decide(Seen.FILE_UNLOADABLE), message=unreadable) if unreadable
                  else inspect_source(code, problem.allowed_imports))
        if static is None and shipped is not None:
            static = shipped.refusal
        if static is not None:
            executor.refuse(static)
        else:
            executor.start()
        subject.executor = executor
        subject.proxy = SolutionProxy(executor, problem.entry_points, self.limits.time_s,
                                      problem.submission_time_limit_s)

    def _loadable(self, subject: _Subject) -> tuple[str, bytes, str | None]:
        """The file the worker loads, its source, and why it cannot be (None when it can). A notebook's code
        cells are extracted here as a .py file; the result's solution_sha256 stays the submitted notebook's, as
        the gradebook's resume check expects."""
        if not is_notebook(subject.path):
            return subject.path, subject.source, None
        subject.scratch = tempfile.mkdtemp(prefix="judge-notebook-")
        extracted, subject.notebook, unreadable = notebook_as_python(subject.path, subject.scratch, self.problem.id)
        if extracted is None:
            return subject.path, subject.source, unreadable
        return str(extracted), extracted.read_bytes(), None

    def _earlier_solutions(self, subject: _Subject, code: bytes) -> Shipped | None:
        """The learner's own solutions of the problems this one builds on that ``code`` imports (by default
        those beside it)."""
        if not self.problem.builds_on:
            return None
        if self.builds_on is not None:
            located, where = self.builds_on(subject.key, subject.path)
        else:
            located, where = locate(self.problem, subject.path), f"beside {Path(subject.path).name}"
        shipped = ship(self.problem, code.decode("utf-8", "replace"), located, where)
        subject.built_on = shipped.records
        return shipped

    def finish(self, subject: _Subject) -> None:
        if subject.failure is not None:
            _drop_scratch(subject)
            self.on_result(subject.key, None, subject.failure)
            return
        result = self._result(subject)
        _drop_scratch(subject)
        subject.executor, subject.proxy = None, None
        self.on_result(subject.key, result, "")

    def _result(self, subject: _Subject) -> dict[str, Any]:
        """The result of ``subject`` from the records of its tests; a file that never loaded gives every test
        the load failure's verdict and message."""
        executor, problem = subject.executor, self.problem
        executor.close()
        records: list[TestRecord] = list(self.plugin.records.values())
        load_failure = None
        if executor.sticky is not None:
            load_failure = f"{executor.sticky.verdict}: {executor.sticky.message}"
            for r in records:
                r.status, r.message = executor.sticky.verdict, executor.sticky.message
        stdout, stderr = executor.output()
        show_output = self.visibility == "public" or problem.hidden_feedback == "full"
        return build_result(
            problem=problem.id,
            tests=[r.as_dict() for r in records],
            duration_s=time.monotonic() - subject.started,
            solution_sha256=sha256_bytes(subject.source),
            tests_sha256=problem.tests_sha256(self.visibility),
            visibility=self.visibility,
            sandbox=self.sandbox.tier,
            containment=containment(self.sandbox.tier),
            load_failure=load_failure,
            stdout=stdout if show_output else "",
            stderr=stderr if show_output else "",
            validate=self.validate,
            notebook=subject.notebook,
            builds_on=subject.built_on,
        )


def run_batch(
    problem: Problem,
    solutions: list[tuple[Any, str | os.PathLike]],
    on_result: Callable[[Any, dict[str, Any] | None, str], None],
    visibility: str = "all",
    *,
    seed: int = 0,
    sandbox: SandboxSpec | None = None,
    limits: Limits | None = None,
    validate: bool = True,
    zygote: Zygote | None = None,
    on_test: Callable[[TestRecord], None] | None = None,
    builds_on: Callable[[Any, str], tuple[dict[str, Path | None], str]] | None = None,
) -> None:
    """Judge several solution files of one problem in one pytest session (collected once).

    ``on_result(key, result, "")`` runs as each submission is judged; ``on_result(key, None, message)`` when the
    judge could not judge it (the file vanished, say). Raises JudgeError when the test files cannot run at all
    (then no further result is delivered). ``zygote`` forks the workers (bwrap tier), else each is a new process.
    ``builds_on(key, path)`` says where a submission's earlier solutions are (the files, and where they were
    looked for); by default beside it (:func:`judge.engine.builds_on.locate`).
    """
    files = problem.test_files(visibility)
    if not files:
        raise ProblemError(f"{problem.path}: no test files ({visibility}); add tests_public.py")
    subjects = [_Subject(key, str(path)) for key, path in solutions]
    plugin = JudgePlugin({p.name: v for p, v in files}, problem.hidden_feedback, on_record=on_test)
    batch = _Batch(problem, visibility, plugin,
                   limits or Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb),
                   sandbox or select_sandbox("auto"), on_result, seed=seed, validate=validate, zygote=zygote,
                   builds_on=builds_on)
    if subjects:
        batch.prepare(subjects[0])  # the first worker boots (NumPy imports) while pytest collects
    try:
        _run_pytest(problem, files, plugin, loop=_BatchLoop(plugin, subjects, batch.prepare, batch.finish))
    finally:
        for subject in subjects:
            if subject.executor is not None:
                subject.executor.close()
            _drop_scratch(subject)


def run_solution(
    problem: Problem,
    solution: str | os.PathLike,
    visibility: str = "all",
    *,
    seed: int = 0,
    sandbox: SandboxSpec | None = None,
    limits: Limits | None = None,
    validate: bool = True,
    on_test: Callable[[TestRecord], None] | None = None,
    imports_from: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Judge ``solution`` on ``problem``: ``visibility`` is ``public`` (judge test) or ``all`` (judge submit).
    ``validate=False`` skips the JSON Schema check of the result (the test suite checks every path);
    ``on_test(record)`` runs as each test gets its verdict (progress on a terminal); ``imports_from`` is the folder
    of the earlier solutions it builds on (default: its own folder)."""
    read_solution(solution)  # a missing file is the caller's error, reported before anything starts
    found = None
    if imports_from is not None:
        def found(_key: Any, path: str) -> tuple[dict[str, Path | None], str]:
            return locate(problem, path, imports_from), f"in {imports_from}"
    return judge_files(problem, [solution], visibility, seed=seed, sandbox=sandbox, limits=limits,
                       validate=validate, on_test=on_test, builds_on=found)[0]


def judge_files(problem: Problem, files: list[str | os.PathLike], visibility: str = "all",
                **options: Any) -> list[dict[str, Any]]:
    """The results of ``files`` in order, judged as one batch (:func:`run_batch` takes ``options``);
    ProblemError when one of them could not be judged."""
    got: dict[int, tuple[dict[str, Any] | None, str]] = {}
    run_batch(problem, list(enumerate(files)), lambda key, result, error: got.__setitem__(key, (result, error)),
              visibility, **options)
    failed = [error for result, error in got.values() if result is None]
    if failed:
        raise ProblemError(failed[0])
    return [got[i][0] for i in range(len(files))]
