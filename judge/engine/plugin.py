"""The pytest plugin of the trusted checker: the ``sol`` fixture, points, and one verdict per test.

Verdicts come from what the test observed: a clean pass, a failed check, a learner exception, or a
:class:`~judge.engine.proxy.SubmissionFault` (timeout, memory, crashed, forbidden, missing, invalid). Messages of
hidden tests follow the problem's feedback policy: under ``summary`` they name the kind of check that failed,
never inputs, expected values, exception messages or printed output.
"""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from judge.checkers import learner_report
from judge.checkers.base import CheckFailure, public_name
from judge.engine.proxy import LearnerException, SolutionProxy, SubmissionFault
from judge.engine.pytest_compat import expected_exception_not_raised, is_trusted_timeout
from judge.engine.results import UNCATEGORIZED
from judge.engine.verdicts import Seen, Verdict, decide

MESSAGE_CAP = 4000


@dataclass
class TestRecord:
    name: str
    visibility: str
    max_score: float
    category: str = UNCATEGORIZED
    status: str = decide(Seen.NOT_REPORTED)
    message: str = "the test did not run"
    duration_s: float = 0.0
    cpu_s: float = 0.0  # time charged to the submission by this test (not part of the result model)
    report: list[dict[str, Any]] = field(default_factory=list)  # tables shown to the learner (learner_report)

    @property
    def score(self) -> float:
        return self.max_score if self.status == Verdict.PASSED else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name, "visibility": self.visibility, "status": self.status, "score": self.score,
            "max_score": self.max_score, "message": self.message[:MESSAGE_CAP], "duration_s": round(self.duration_s, 4),
            "category": self.category,
        }
        if self.report:
            out["report"] = self.report
        return out


def _arg_text(value: Any) -> str | None:
    if isinstance(value, np.ndarray):
        if value.size > 48:
            return None
        body = np.array2string(value, separator=", ", threshold=64, max_line_width=10_000).replace("\n", "")
        return f"np.array({body}, dtype={value.dtype})" if value.dtype not in (np.int64, np.float64, bool) else \
            f"np.array({body})"
    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, (list, tuple)):
        parts = [_arg_text(v) for v in value]
        if any(p is None for p in parts):
            return None
        inner = ", ".join(parts)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(parts) == 1 else ''})"
    text = repr(value)
    return text if len(text) <= 80 else None


def format_call(call: tuple[str, tuple, dict] | None, limit: int = 400) -> str | None:
    """``called f(args)`` for small inputs, else None."""
    if call is None:
        return None
    name, args, kwargs = call
    parts = [_arg_text(a) for a in args] + [
        (f"{k}={t}" if (t := _arg_text(v)) is not None else None) for k, v in kwargs.items()
    ]
    if any(p is None for p in parts):
        return None
    text = f"called {name}({', '.join(parts)})"
    return text if len(text) <= limit else None


def _doc_line(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else item.name


def category_of(item: pytest.Item) -> str:
    """The kind of test, from the closest ``@pytest.mark.category(NAME)`` (on the test, its class or its module's
    ``pytestmark``); ``uncategorized`` without one (judge validate reports that)."""
    marker = item.get_closest_marker("category")
    return str(marker.args[0]) if marker and marker.args else UNCATEGORIZED


PROXY_FILE = sys.modules[SolutionProxy.__module__].__file__
MODULE_ATTRIBUTE = re.compile(r"module '[\w.]+' has no attribute ")
SIGNATURE_ERROR = re.compile(r"\w+\(\) (missing \d+ required|got an unexpected keyword|got multiple values|takes )")


def fault_of_test(exc: BaseException, test_file: str) -> str | None:
    """``"NameError at tests_hidden.py:12"`` when ``exc``, raised by a test's code, is the test's own fault, else
    None (then it counts against the learner, whose value the checker could not use).

    The test's fault: a NameError (an undefined name, a local never bound), an ImportError, an AttributeError on a
    module (``np.fnord``) or on ``sol`` (a function that is not an entry point), and a TypeError from calling a
    function with the wrong arguments raised in the test file's own frame. Everything else (a TypeError,
    ValueError or IndexError while the test indexes or converts the learner's value) is the learner's.
    """
    if isinstance(exc, (NameError, ImportError)):
        pass
    elif isinstance(exc, AttributeError):
        innermost = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        on_sol = bool(innermost) and innermost[0].filename == PROXY_FILE and innermost[0].name == "__getattr__"
        on_module = isinstance(getattr(exc, "obj", None), types.ModuleType) or MODULE_ATTRIBUTE.match(str(exc))
        if not on_sol and not on_module:
            return None
    elif isinstance(exc, TypeError):
        innermost = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        if not innermost or innermost[0].filename != test_file or not SIGNATURE_ERROR.match(str(exc)):
            return None
    else:
        return None
    where = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == test_file]
    at = f" at {os.path.basename(test_file)}:{where[-1].lineno}" if where else ""
    return f"{type(exc).__name__}{at}"


class JudgePlugin:
    """Registered per run; collects a :class:`TestRecord` for every test, in collection order."""

    def __init__(self, visibility_of: dict[str, str], hidden_feedback: str,
                 on_record: Callable[[TestRecord], None] | None = None) -> None:
        """``on_record`` (progress) is called as each test gets its verdict. A collection needs nothing more; a run
        gives each submission its proxy and records with :meth:`serve`."""
        self.proxy: SolutionProxy | None = None
        self.sol_function: Callable[[], SolutionProxy] | None = None  # the ``sol`` fixture's function, once made
        self.visibility_of = visibility_of
        self.hidden_feedback = hidden_feedback
        self.records: dict[str, TestRecord] = {}
        self.on_record = on_record
        self.collection_errors: list[str] = []
        self._start = 0.0

    def serve(self, proxy: SolutionProxy, records: dict[str, TestRecord]) -> None:
        """Judge the next submission: ``sol`` is ``proxy`` and verdicts go into ``records`` (a fresh copy of the
        collected ones), so nothing of the previous submission is reachable from its tests."""
        self.proxy, self.records = proxy, records

    def fixtures(self) -> types.ModuleType:
        """A plugin module holding the ``sol`` fixture of this run (pytest looks fixtures up on a plugin's type, and
        deprecates session fixtures that are instance methods, so the fixture is a closure in a module of its own)."""
        module = types.ModuleType(f"judge_fixtures_{id(self)}")

        def sol() -> SolutionProxy:
            """The learner's solution: call its functions as ``sol.name(...)``."""
            return self.proxy

        self.sol_function = sol  # how the batch loop recognises tests that take only the judge's sol
        module.sol = pytest.fixture(scope="session", name="sol")(sol)
        return module

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {str(report.longrepr)[-2000:]}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("points")
            points = float(marker.args[0]) if marker and marker.args else 0.0
            visibility = self.visibility_of.get(item.path.name, "hidden")
            self.records[item.nodeid] = TestRecord(item.name, visibility, points, category_of(item))
            if marker is None:
                self.collection_errors.append(f"{item.nodeid}: no @pytest.mark.points(n) marker")

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.proxy.begin_test()
        learner_report.begin()
        self._start = time.monotonic()

    def record(self, item: pytest.Item, call: pytest.CallInfo) -> None:
        """Turn what a phase of ``item`` raised (``call``) into its record's verdict and message."""
        record = self.records.get(item.nodeid)
        if record is None:
            return
        excinfo = call.excinfo
        skipped = excinfo is not None and excinfo.errisinstance(pytest.skip.Exception)
        if call.when == "setup" and excinfo is not None:
            why = "the test was skipped" if skipped else f"test setup failed: {excinfo.exconly()[-500:]}"
            record.status, record.message = decide(Seen.TEST_SETUP_FAILED if not skipped else Seen.TEST_SKIPPED), why
        elif call.when == "call":
            record.duration_s = time.monotonic() - self._start
            record.report = learner_report.take()
            if excinfo is None:
                record.status, record.message = decide(Seen.CHECK_PASSED), ""
            elif skipped:
                record.status, record.message = decide(Seen.TEST_SKIPPED), "the test was skipped"
            else:
                record.status, record.message = self._classify(item, call, record.visibility)
            if self.proxy is not None:
                record.cpu_s = self.proxy.clock.test_used_s
                self.proxy.end_test(record.status)
            if self.on_record is not None:
                self.on_record(record)
        if excinfo is not None:
            release_frames(excinfo.value)

    def _classify(self, item: pytest.Item, call: pytest.CallInfo, visibility: str) -> tuple[str, str]:
        exc = call.excinfo.value if call.excinfo else None
        full = visibility == "public" or self.hidden_feedback == "full"
        called = format_call(self.proxy.last_call) if full else None
        suffix = f"\n{called}" if called else ""
        if isinstance(exc, SubmissionFault):
            ran = exc.verdict == Verdict.FAILED or (
                exc.verdict == Verdict.TIMEOUT and not exc.message.startswith("not run"))
            return exc.verdict, exc.message + (suffix if ran else "")
        if isinstance(exc, LearnerException):
            where = f" ({exc.frames[-1]})" if exc.frames else ""
            if full:
                frames = "".join(f"\n  {f}" for f in exc.frames)
                return decide(Seen.LEARNER_RAISED), f"{exc.exc_type}: {exc.learner_message}{frames}{suffix}"
            return decide(Seen.LEARNER_RAISED), f"your code raised {exc.exc_type}{where}"
        if isinstance(exc, CheckFailure):
            return decide(Seen.CHECK_FAILED), (exc.detail + suffix) if full else exc.summary
        if isinstance(exc, pytest.fail.Exception):
            wanted = expected_exception_not_raised(exc)
            if wanted is not None:
                return (decide(Seen.CHECK_FAILED),
                        f"expected the call to raise {wanted}, but it returned normally" + suffix)
            if is_trusted_timeout(exc):
                return decide(Seen.TRUSTED_TIMEOUT), "the test ran past its time limit"
            text = str(exc)
            return decide(Seen.CHECK_FAILED), (text + suffix) if full else \
                f"check failed: {public_name(_doc_line(item))}"
        if isinstance(exc, AssertionError):
            text = f"{exc}".strip() + suffix if full else f"check failed: {public_name(_doc_line(item))}"
            return decide(Seen.CHECK_FAILED), text
        fault = fault_of_test(exc, str(item.path)) if exc is not None else None
        if fault is not None:
            detail = f": {exc}" if full else ""
            return (decide(Seen.TEST_FAULT),
                    f"the test itself failed ({fault}{detail}); the judge's fault, not your code's")
        name = type(exc).__name__ if exc is not None else "unknown"
        if full:
            return decide(Seen.VALUE_UNUSABLE), f"the checker could not use your result: {name}: {exc}{suffix}"
        return decide(Seen.VALUE_UNUSABLE), f"the checker could not use your result ({name})"


def release_frames(exc: BaseException | None) -> None:
    """Clear the locals of every finished frame a failure's traceback holds, for the whole chain of causes: the
    test's arguments and the learner's results it held go now, by reference counting, instead of at the next
    garbage collection (off while a batch runs: a traceback and its frames form a cycle). Called once the
    failure's verdict and message are recorded; nothing reads the traceback after that."""
    todo, seen = [exc], set()
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        todo += [exc.__cause__, exc.__context__]
