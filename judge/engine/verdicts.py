"""The one verdict vocabulary: what a test, a call and a result can end as, and who may decide it.

Every verdict string in the judge comes from :class:`Verdict` (a ``str`` enum, so it serialises as its value in
the result model, the gradebook and every export). Two rules keep a learner from choosing their own verdict:

- The worker may report only a result or a learner exception (see :func:`from_exception`). Everything else the
  trusted side decides from what it observes itself: exit status and signal, its own reading of the CPU time
  of every process of the submission, its wall clock, and the state of the protocol.
- :data:`Verdict.JUDGE_ERROR` ("not graded, not your fault": retried, no score, the instructor alerted) is only
  ever set by trusted code that can prove the fault is the judge's own (the sandbox could not start, the worker
  never said it booted, a test file is broken). A malformed or out-of-sequence frame after the worker booted is
  the submission's doing: :data:`Verdict.CRASHED`.
"""

from __future__ import annotations

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


def from_exception(exc_type: str, builtin: str | None, loading: bool) -> Verdict:
    """The verdict of a learner exception the worker reported (``loading``: raised while importing the file)."""
    verdict = _EXCEPTION_VERDICTS.get(exc_type) or (Verdict.MEMORY if builtin == "MemoryError" else None)
    if verdict is not None:
        return verdict
    return Verdict.INVALID if loading else Verdict.ERROR
