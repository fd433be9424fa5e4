"""The verdict table: what a test, a call and a result can end as, and the one place that decides it.

Every verdict in the judge comes from here. The executor, the proxy, the plugin and the static inspection report
what they observed (a :class:`Seen`: an exit status or signal, a timeout, a protocol fault before or after the
worker booted, a refused import, a failed check ...); :func:`decide` turns it into a :class:`Verdict` (a ``str``
enum, so it serialises as its value in the result model, the gradebook and every export). Learner exceptions go
through :func:`from_exception`, a whole result's status through :func:`result_status`. Outside this module a
verdict is only ever read and compared (``tests/test_fitness.py``). Two rules keep a learner from choosing their
own verdict:

- The worker may report only a result or a learner exception. Everything else the trusted side decides from
  what it observes itself: exit status and signal, its own reading of the CPU time of every process of the
  submission, its wall clock, and the state of the protocol.
- :data:`Verdict.JUDGE_ERROR` ("not graded, not your fault": retried, no score, the instructor alerted) only for
  what the trusted side can prove is its own fault: :data:`JUDGE_OWN`, written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any


class Verdict(str, Enum):
    """What one test ended as (``passed`` ... ``judge_error``)."""

    PASSED = "passed"
    FAILED = "failed"  # a wrong answer, a wrong type, a mutated input, a missing exception
    ERROR = "error"  # the learner's code raised
    TIMEOUT = "timeout"  # the CPU budget or the wall deadline, measured by the trusted side
    MEMORY = "memory"  # the learner's code raised MemoryError (the address-space limit refused an allocation)
    CRASHED = "crashed"  # killed by a signal, exited, or broke the protocol after it booted
    FORBIDDEN = "forbidden"  # an import outside the problem's allow-list
    MISSING = "missing"  # the function is not defined
    INVALID = "invalid"  # the file does not parse or raised while it was imported
    JUDGE_ERROR = "judge_error"  # the judge's own fault, proven by the trusted side

    def __str__(self) -> str:
        return self.value


TEST_VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)
# Verdicts an instructor should look at (the class report flags them).
FLAGGED: tuple[Verdict, ...] = (Verdict.TIMEOUT, Verdict.MEMORY, Verdict.CRASHED, Verdict.FORBIDDEN,
                                Verdict.JUDGE_ERROR)
# Internal states of one call (never stored): a usable value, or a value that may not cross the boundary.
OK = "ok"
WRONG_TYPE = "wrong_type"


class ResultStatus(str, Enum):
    """The status of a whole result (one submission of one problem)."""

    PASSED = "passed"  # every test passed
    FAILED = "failed"  # some test did not pass
    ERROR = "error"  # the file could not be loaded
    MISSING = "missing"  # no file was submitted (class grading)
    JUDGE_ERROR = "judge_error"  # the judge failed on it (gradebook only)

    def __str__(self) -> str:
        return self.value


def is_judge_error(result: dict[str, Any] | None) -> bool:
    """Whether the judge failed on ``result`` (no result at all, or any test ended as ``judge_error``): such a
    result is retried, never scored, and reported to the instructor."""
    return result is None or any(t.get("status") == Verdict.JUDGE_ERROR for t in result.get("tests", ()))


def first_judge_error(result: dict[str, Any]) -> str:
    """The message of the first ``judge_error`` test of ``result`` (empty when there is none)."""
    return next((t["message"] for t in result.get("tests", ()) if t.get("status") == Verdict.JUDGE_ERROR), "")


# The exception types whose verdict is not plain ``error``. A learner can raise any of them on purpose; each
# verdict still scores 0 and is the learner's own, so naming it after the exception gains them nothing.
_EXCEPTION_VERDICTS = {"MemoryError": Verdict.MEMORY, "ForbiddenImport": Verdict.FORBIDDEN,
                       "SystemExit": Verdict.CRASHED}


class Seen(str, Enum):
    """What the trusted side observed: the left column of the verdict table (:data:`JUDGE_OWN`, :data:`LEARNER_OWN`)."""

    # Before any learner code ran, or in the test's own code: provably the judge's.
    SANDBOX_NOT_STARTED = "the sandbox could not be started"
    SUBMISSION_NOT_PLACED = "the submission could not be placed in the sandbox"
    NO_BOOT = "the worker never sent its boot frame"
    PROTOCOL_FAULT_BEFORE_BOOT = "a malformed or out-of-sequence frame before the boot frame"
    TEST_FAULT = "the test's own code failed (a NameError, a wrong call, an import in the test file)"
    TEST_SETUP_FAILED = "a fixture or the test's setup failed"
    TEST_SKIPPED = "the test was skipped"
    NOT_REPORTED = "no phase of the test reported a verdict"
    # After the worker booted: the submission's.
    PROTOCOL_FAULT_AFTER_BOOT = "a malformed, out-of-sequence or unasked-for frame after the boot frame"
    KILLED_BY_SIGNAL = "the worker was killed by a signal (not SIGXCPU)"
    EXITED = "the worker exited (os._exit)"
    STOPPED_ANSWERING = "the worker's reply pipe closed and it did not exit in time"
    TIME_LIMIT = "CPU budget, wall deadline, a wait without CPU, or SIGXCPU"
    BUDGET_SPENT = "the test's or the submission's budget was used up before the call"
    TRUSTED_TIMEOUT = "pytest-timeout stopped the test"
    DEADLINE_UNGRADED = "the autograder's overall deadline left the problem ungraded"
    FUNCTION_MISSING = "the file does not define the entry point"
    NO_FILE = "no file was submitted"
    FILE_UNLOADABLE = "the file is too large, not UTF-8, or does not parse"
    LOAD_RAISED = "the file raised while it was imported"
    IMPORT_REFUSED = "the file imports outside the problem's allow-list, or relatively"
    CHECK_PASSED = "the test ran to its end"
    CHECK_FAILED = "a checker, an assertion or pytest.fail rejected the value, or an expected raise did not happen"
    VALUE_UNUSABLE = "the test could not use the learner's value (an exception in the checker, not the test's fault)"
    WRONG_TYPE = "the value returned may not cross the boundary"
    INPUT_MUTATED = "the learner's code wrote into a read-only input"
    LEARNER_RAISED = "the learner's code raised during the call"


# The one rule: judge_error only when the trusted side can prove the fault is its own.
JUDGE_OWN: frozenset[Seen] = frozenset({
    Seen.SANDBOX_NOT_STARTED, Seen.SUBMISSION_NOT_PLACED, Seen.NO_BOOT, Seen.PROTOCOL_FAULT_BEFORE_BOOT,
    Seen.TEST_FAULT, Seen.TEST_SETUP_FAILED, Seen.TEST_SKIPPED, Seen.NOT_REPORTED,
})
LEARNER_OWN: dict[Seen, Verdict] = {
    Seen.PROTOCOL_FAULT_AFTER_BOOT: Verdict.CRASHED,
    Seen.KILLED_BY_SIGNAL: Verdict.CRASHED,
    Seen.EXITED: Verdict.CRASHED,
    Seen.STOPPED_ANSWERING: Verdict.CRASHED,
    Seen.TIME_LIMIT: Verdict.TIMEOUT,
    Seen.BUDGET_SPENT: Verdict.TIMEOUT,
    Seen.TRUSTED_TIMEOUT: Verdict.TIMEOUT,
    Seen.DEADLINE_UNGRADED: Verdict.TIMEOUT,
    Seen.FUNCTION_MISSING: Verdict.MISSING,
    Seen.NO_FILE: Verdict.MISSING,
    Seen.FILE_UNLOADABLE: Verdict.INVALID,
    Seen.LOAD_RAISED: Verdict.INVALID,
    Seen.IMPORT_REFUSED: Verdict.FORBIDDEN,
    Seen.CHECK_PASSED: Verdict.PASSED,
    Seen.CHECK_FAILED: Verdict.FAILED,
    Seen.VALUE_UNUSABLE: Verdict.FAILED,
    Seen.WRONG_TYPE: Verdict.FAILED,
    Seen.INPUT_MUTATED: Verdict.FAILED,
    Seen.LEARNER_RAISED: Verdict.ERROR,
}


def decide(seen: Seen) -> Verdict:
    """The verdict of an observation: ``judge_error`` for what :data:`JUDGE_OWN` lists, never for anything else."""
    if seen in JUDGE_OWN:
        return Verdict.JUDGE_ERROR
    return LEARNER_OWN[seen]


def protocol_fault(booted: bool) -> Seen:
    """A malformed or out-of-sequence frame. Before the boot frame no learner code has run, so the fault is the
    judge's own; after it, the submission wrote it (crashed if the worker booted, else judge_error)."""
    return Seen.PROTOCOL_FAULT_AFTER_BOOT if booted else Seen.PROTOCOL_FAULT_BEFORE_BOOT


def worker_end(timed_out: bool, exit_code: int | None, signal_name: str | None) -> Seen:
    """How a worker that stopped mid-call ended, from what the trusted side saw: its own timeout, the exit status
    (None: it closed its pipe and did not exit in time) or the signal that killed it."""
    if timed_out or signal_name == "SIGXCPU":
        return Seen.TIME_LIMIT
    if exit_code is None and signal_name is None:
        return Seen.STOPPED_ANSWERING
    return Seen.KILLED_BY_SIGNAL if signal_name is not None else Seen.EXITED


def result_status(test_verdicts: Iterable[str], *, loaded: bool = True, submitted: bool = True) -> ResultStatus:
    """The status of a whole result: ``missing`` without a file, ``error`` when it could not be loaded,
    ``passed`` when it has tests and every one passed, else ``failed``."""
    if not submitted:
        return ResultStatus.MISSING
    if not loaded:
        return ResultStatus.ERROR
    verdicts = list(test_verdicts)
    return ResultStatus.PASSED if verdicts and all(v == Verdict.PASSED for v in verdicts) else ResultStatus.FAILED


def stored_status(result: dict[str, Any] | None) -> str:
    """The status a result is stored and scored under: ``judge_error`` when the judge failed on it (see
    :func:`is_judge_error`), else the result's own."""
    return ResultStatus.JUDGE_ERROR if is_judge_error(result) else result["status"]


def from_exception(exc_type: str, builtin: str | None, loading: bool) -> Verdict:
    """The verdict of a learner exception the worker reported (``loading``: raised while importing the file)."""
    verdict = _EXCEPTION_VERDICTS.get(exc_type) or (Verdict.MEMORY if builtin == "MemoryError" else None)
    if verdict is not None:
        return verdict
    return decide(Seen.LOAD_RAISED if loading else Seen.LEARNER_RAISED)
