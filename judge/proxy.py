"""The object tests call (the ``sol`` fixture): it forwards each call to the worker and maps outcomes.

A learner exception is re-raised in the trusted process as a fresh exception whose class derives from the same
builtin type (so ``pytest.raises(ValueError)`` works) and from :class:`LearnerException`. Every other outcome
(timeout, crash, memory, forbidden import, missing function, a result that may not cross the boundary, an input
mutated in place) becomes a :class:`SubmissionFault`, which test code cannot catch by accident.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from judge.executor import Executor, Outcome
from judge.isolated import wire
from judge.time_policy import SubmissionClock
from judge.verdicts import OK, WRONG_TYPE, Verdict


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


class SolutionProxy:
    """Stands for the learner's module: ``sol.causal_mask(4)`` runs in the worker."""

    def __init__(self, executor: Executor, entry_points: list[str], time_s: float,
                 submission_s: float | None = None) -> None:
        self._executor = executor
        self._entry_points = tuple(entry_points)
        self.clock = SubmissionClock(time_s, submission_s)
        self.last_call: tuple[str, tuple, dict] | None = None

    def begin_test(self) -> None:
        """Give the next test its time budget (see :mod:`judge.time_policy`)."""
        self.clock.begin_test()
        self.last_call = None

    def end_test(self, verdict: str) -> None:
        """The test ended with ``verdict``: the time policy counts timeouts in a row."""
        self.clock.end_test(verdict == Verdict.TIMEOUT)

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
            raise SubmissionFault(Verdict.TIMEOUT, clock.stopped)
        budget = clock.call_budget()
        outcome = self._executor.call(name, args, kwargs, budget)
        clock.charge(outcome.charged_s, outcome.verdict == Verdict.TIMEOUT)
        if clock.stopped is not None:
            self._executor.close()  # no worker keeps running once the submission is stopped
        if outcome.verdict == Verdict.TIMEOUT:
            raise SubmissionFault(Verdict.TIMEOUT, outcome.message + clock.describe_timeout())
        if outcome.verdict == OK:
            value, rng_states = outcome.value
            self._restore_generators(args, kwargs, rng_states)
            if outcome.mutated:
                raise SubmissionFault(
                    Verdict.FAILED,
                    f"{name} modified its input {', '.join(repr(m) for m in outcome.mutated)} in place; "
                    "inputs must never be mutated (work on a copy)",
                )
            return value
        if outcome.verdict == Verdict.ERROR:
            raise learner_exception(outcome)
        if outcome.verdict == WRONG_TYPE:
            raise SubmissionFault(Verdict.FAILED, f"{name} returned a value of the wrong type: {outcome.message}")
        raise SubmissionFault(outcome.verdict, outcome.message)

    @staticmethod
    def _restore_generators(args: tuple, kwargs: dict, states: list) -> None:
        """Advance the caller's Generators exactly as the worker advanced its copies."""
        for key, state in states:
            target = args[key] if isinstance(key, int) and 0 <= key < len(args) else kwargs.get(key)
            if type(target) is not np.random.Generator:
                raise SubmissionFault("judge_error", "protocol fault: generator state for an unknown argument")
            try:
                restored = wire.make_generator(state)
            except (wire.WireError, ValueError, TypeError, KeyError) as exc:
                raise SubmissionFault("judge_error", f"protocol fault: bad generator state ({exc})") from None
            if type(restored.bit_generator) is not type(target.bit_generator):
                raise SubmissionFault("judge_error", "protocol fault: generator type changed")
            target.bit_generator.state = restored.bit_generator.state

    def global_random_state(self) -> str:
        """Fingerprint of the worker's global ``np.random`` and ``random`` state (to check it is untouched)."""
        outcome = self._executor.global_rng(max(self.clock.budget, 0.5))
        if outcome.verdict != OK:
            raise SubmissionFault(outcome.verdict, outcome.message)
        return outcome.value[0]
