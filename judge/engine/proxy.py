"""The object tests call (the ``sol`` fixture): it forwards each call to the worker and maps outcomes.

A learner exception is re-raised in the trusted process as a fresh exception whose class derives from the same
builtin type (so ``pytest.raises(ValueError)`` works) and from :class:`LearnerException`. Every other outcome
(timeout, crash, memory, forbidden import, missing function, a result that may not cross the boundary, a write into
an input, a malformed reply) becomes a :class:`SubmissionFault`, which test code cannot catch by accident.

Inputs are never mutated: the worker receives arrays that NumPy cannot make writable and lists and dicts that
refuse changes (see :mod:`judge.isolated.wire`), so no check in the worker can be patched away to hide a mutation.
An exception that says the learner's code wrote into a read-only array or input becomes the verdict ``failed``
here, on the trusted side; a worker that forges one only loses its own marks. A write the learner forces through
anyway (ctypes) changes nothing but the worker's private copy: the test's own arguments never leave this process.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from judge.engine.executor import Executor, Outcome
from judge.engine.time_policy import SubmissionClock
from judge.engine.verdicts import OK, WRONG_TYPE, Seen, Verdict, decide, protocol_fault
from judge.isolated import wire


class SubmissionFault(BaseException):
    """A call that ended without a usable result. A BaseException so ``pytest.raises(Exception)`` misses it."""

    def __init__(self, verdict: str, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message


class LearnerException(Exception):
    """Mixin of every exception re-raised on behalf of the learner's code."""

    exc_type: str = "Exception"
    learner_message: str = ""
    frames: list[str] = []


_classes: dict[str, type] = {}


def learner_exception(outcome: Outcome) -> LearnerException:
    base_name = outcome.builtin if outcome.builtin in wire.MAPPED_EXCEPTIONS else None
    key = base_name or ""
    if key not in _classes:
        bases = (LearnerException, getattr(builtins, base_name)) if base_name else (LearnerException,)
        _classes[key] = type(f"Learner{base_name or 'Exception'}", bases, {})
    exc = _classes[key](outcome.message)
    exc.exc_type = outcome.exc_type or "Exception"
    exc.learner_message = outcome.message
    exc.frames = list(outcome.frames)
    return exc


def _wrote_into_input(outcome: Outcome) -> bool:
    """The learner's exception is NumPy's refusal to write into a read-only array ("assignment destination is
    read-only", "output array is read-only", "cannot set WRITEABLE flag ...") or an input list or dict refusing a
    change."""
    if outcome.exc_type == "ReadOnlyInputError":
        return True
    text = outcome.message
    return outcome.builtin == "ValueError" and ("is read-only" in text or "WRITEABLE flag" in text)


class SolutionProxy:
    """Stands for the learner's module: ``sol.causal_mask(4)`` runs in the worker."""

    def __init__(self, executor: Executor, entry_points: list[str], time_s: float,
                 submission_s: float | None = None) -> None:
        self._executor = executor
        self._entry_points = tuple(entry_points)
        self.clock = SubmissionClock(time_s, submission_s)
        self.last_call: tuple[str, tuple, dict] | None = None

    def begin_test(self) -> None:
        """Give the next test its time budget (see :mod:`judge.engine.time_policy`)."""
        self.clock.begin_test()
        self.last_call = None

    def end_test(self, verdict: str) -> None:
        """The test ended with ``verdict``: the time policy counts timeouts in a row (and may stop the rest)."""
        running = self.clock.stopped is None
        self.clock.end_test(verdict == Verdict.TIMEOUT)
        if running and self.clock.stopped is not None:
            self._executor.close()  # no worker keeps running once the submission is stopped

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._entry_points:
            raise AttributeError(f"'{name}' is not an entry point of this problem ({', '.join(self._entry_points)})")

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, args, kwargs)

        call.__name__ = name
        return call

    def _call(self, name: str, args: tuple, kwargs: dict) -> Any:
        self.last_call = (name, args, kwargs)
        clock = self.clock
        if clock.stopped is not None:
            raise SubmissionFault(decide(Seen.BUDGET_SPENT), clock.stopped)
        budget = clock.call_budget()
        outcome = self._executor.call(name, args, kwargs, budget)
        clock.charge(outcome.charged_s, outcome.verdict == Verdict.TIMEOUT)
        if clock.stopped is not None:
            self._executor.close()  # no worker keeps running once the submission is stopped
        if outcome.verdict == Verdict.TIMEOUT:
            raise SubmissionFault(outcome.verdict, outcome.message + clock.describe_timeout())
        if outcome.verdict == OK:
            value, rng_states = outcome.value
            self._restore_generators(args, kwargs, rng_states)
            return value
        if outcome.verdict == Verdict.ERROR:
            if _wrote_into_input(outcome):
                where = f"{outcome.frames[-1]}: " if outcome.frames else ""
                raise SubmissionFault(
                    decide(Seen.INPUT_MUTATED),
                    f"{name} tried to modify an input in place ({where}{outcome.exc_type}: {outcome.message[:200]}); "
                    "inputs must never be mutated: array, list and dict arguments arrive read-only (work on a copy)",
                )
            raise learner_exception(outcome)
        if outcome.verdict == WRONG_TYPE:
            raise SubmissionFault(decide(Seen.WRONG_TYPE),
                                  f"{name} returned a value of the wrong type: {outcome.message}")
        raise SubmissionFault(outcome.verdict, outcome.message)

    @staticmethod
    def _restore_generators(args: tuple, kwargs: dict, states: list) -> None:
        """Advance the caller's Generators exactly as the worker advanced its copies. The states come from the
        worker: anything malformed is the learner's protocol fault (``crashed``), never an exception a test's
        ``pytest.raises`` could take for the learner's own."""
        for key, state in states:
            target = args[key] if type(key) is int and 0 <= key < len(args) else \
                kwargs.get(key) if type(key) is str else None
            if type(target) is not np.random.Generator:
                raise SubmissionFault(decide(protocol_fault(booted=True)),
                                      "protocol fault: generator state for an unknown argument")
            try:
                restored = wire.make_generator(state)
            except Exception as exc:  # noqa: BLE001 - whatever numpy raises on a crafted state
                raise SubmissionFault(decide(protocol_fault(booted=True)),
                                      f"protocol fault: bad generator state ({exc})") from None
            if type(restored.bit_generator) is not type(target.bit_generator):
                raise SubmissionFault(decide(protocol_fault(booted=True)), "protocol fault: generator type changed")
            target.bit_generator.state = restored.bit_generator.state

    def global_random_state(self) -> str:
        """Fingerprint of the worker's global ``np.random`` and ``random`` state (to check it is untouched)."""
        outcome = self._executor.global_rng(max(self.clock.budget, 0.5))
        if outcome.verdict != OK:
            raise SubmissionFault(outcome.verdict, outcome.message)
        return outcome.value[0]
