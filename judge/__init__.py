"""lm-judge: exercises and an isolated judge for causal vs masked LM pretraining."""

import os as _os

__version__ = "0.1.0"


def judge_version() -> str:
    """The release plus a digest of the judge's own code and schemas, so a stored result names the exact judge
    that produced it, and a changed judge regrades (``0.1.0+3f2a9c1e4b7d``)."""
    global _JUDGE_VERSION
    if _JUDGE_VERSION is None:
        import hashlib
        from pathlib import Path

        here = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted([*here.rglob("*.py"), *here.glob("schemas/*.json"), *here.glob("*.ini")]):
            if "__pycache__" not in path.parts:
                digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        _JUDGE_VERSION = f"{__version__}+{digest.hexdigest()[:12]}"
    return _JUDGE_VERSION


_JUDGE_VERSION: str | None = None


# The trusted checker computes expected values with NumPy; one BLAS thread keeps it fast and even on a loaded
# machine (the worker gets the same setting through its scrubbed environment).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
