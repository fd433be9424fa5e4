"""lm-judge: exercises and an isolated judge for causal vs masked LM pretraining."""

import os as _os

__version__ = "0.1.0"


# Code that only presents, stores or ships results: changing it never changes a verdict, so it does not regrade.
# Everything else of the package (the isolated side, runner, plugin, proxy, executor, checkers, sandbox, the
# result schema, and any new module unless it is listed here) is part of the judge version.
PRESENTATION = ("cli/", "feedback/", "authoring/", "entry.py", "__main__.py", "grading/")
VERDICT_CODE_KEPT = ("grading/child.py",)  # grading's one module that builds results (missing files)


def judge_version() -> str:
    """The release plus a digest of the code that decides verdicts (see PRESENTATION), so a stored result names
    the judge that produced it and a change to that code regrades, while an edited message or report does not
    (``0.1.0+3f2a9c1e4b7d``)."""
    global _JUDGE_VERSION
    if _JUDGE_VERSION is None:
        import hashlib
        from pathlib import Path

        here = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted([*here.rglob("*.py"), *here.glob("schemas/*.json"), *here.glob("*.ini")]):
            rel = path.relative_to(here).as_posix()
            if rel.startswith(PRESENTATION) and rel not in VERDICT_CODE_KEPT:
                continue
            if "__pycache__" not in path.parts:
                digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        _JUDGE_VERSION = f"{__version__}+{digest.hexdigest()[:12]}"
    return _JUDGE_VERSION


_JUDGE_VERSION: str | None = None


# The trusted checker computes expected values with NumPy; one BLAS thread keeps it fast and even on a loaded
# machine (the worker gets the same setting through its scrubbed environment).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
