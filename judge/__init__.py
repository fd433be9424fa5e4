"""lm-judge: exercises and an isolated judge for causal vs masked LM pretraining."""

from __future__ import annotations

import os as _os
from typing import Any

__version__ = "0.1.0"


# The rooms (folders of this package) whose code can change a grade. The judge version hashes every file in them,
# so editing any of them regrades a class; the other rooms only present, store, author or ship results, and a
# test (tests/test_fitness.py) keeps them from deciding a verdict. Every folder of the package is one or the other.
VERDICT_ROOMS = ("engine", "sandbox", "isolated", "checkers", "schemas")
PRESENTATION_ROOMS = ("cli", "feedback", "authoring", "grading")


def judge_version() -> str:
    """The release plus a digest of every file in the verdict rooms (:data:`VERDICT_ROOMS`), so a stored result
    names the judge that produced it and a change to code that decides verdicts regrades, while an edited message,
    report or command does not (``0.1.0+3f2a9c1e4b7d``)."""
    global _JUDGE_VERSION
    if _JUDGE_VERSION is None:
        import hashlib
        from pathlib import Path

        here = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted(f for room in VERDICT_ROOMS for f in (here / room).rglob("*") if f.is_file()):
            if "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        _JUDGE_VERSION = f"{__version__}+{digest.hexdigest()[:12]}"
    return _JUDGE_VERSION


_JUDGE_VERSION: str | None = None


# The entry points a notebook uses (``judge.test``, ``judge.submit``, ``%load_ext judge``) live with the others in
# judge/entry.py; the package root only names them, and loads that module when one is first used.
ENTRY_POINTS = ("test", "submit", "load_ipython_extension")


def __getattr__(name: str) -> Any:
    if name in ENTRY_POINTS:
        from judge import entry

        return getattr(entry, name)
    raise AttributeError(f"module 'judge' has no attribute '{name}'")


# The trusted checker computes expected values with NumPy; one BLAS thread keeps it fast and even on a loaded
# machine (the worker gets the same setting through its scrubbed environment).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
