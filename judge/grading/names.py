"""File names as students write them: normalized to a problem id, and the files no one meant to submit.

``Causal_Mask.py``, ``causal-mask.py``, ``causal mask (1).py`` and Canvas's resubmission names ``causal_mask-2.py``
and ``causal_mask-<uuid>.py`` (canvas-lms ``Attachment.make_unique_filename`` after 8 attempts) all normalize to
``causal_mask``; so do notebooks (``Causal Mask.ipynb``). ``__MACOSX``, dotfiles, ``__pycache__`` and editor
backups are junk.
"""

from __future__ import annotations

import re
from pathlib import Path

# " (1)", "-2" (Canvas's rename of a re-upload), "-<uuid>" (Canvas after 8 re-uploads of one name), " copy 2"
_COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|-\d+|-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                          r"|\s+copy(\s*\d+)?)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-.]+")
SUBMISSION_SUFFIXES = (".py", ".ipynb")  # a notebook is graded on its code cells (judge/engine/notebooks.py)
JUNK_DIRS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", ".idea", ".vscode"}


def is_junk(relative: Path) -> bool:
    """True for ``__MACOSX``, dotfiles, ``__pycache__``, editor backups and swap files anywhere in the path."""
    for part in relative.parts:
        if part in JUNK_DIRS or part.startswith((".", "~$", "._")):
            return True
    name = relative.name
    return name.endswith(("~", ".bak", ".orig", ".swp", ".swo", ".pyc")) or (name.startswith("#")
                                                                              and name.endswith("#"))


def normalize_stem(name: str) -> str:
    """The problem id a file name most likely means: ``Causal Mask (1).py`` -> ``causal_mask``."""
    stem = next((name[:-len(s)] for s in SUBMISSION_SUFFIXES if name.lower().endswith(s)), name)
    previous = None
    while previous != stem:  # "causal_mask (1)-2" loses both suffixes
        previous = stem
        stem = _COPY_SUFFIX.sub("", stem.strip())
    return _SEPARATORS.sub("_", stem.strip().lower()).strip("_")


def preference(name: str, problem: str) -> int:
    """How well a file name that matches ``problem`` fits it: 0 ``problem.py``, 1 ``problem.ipynb``, 2 any
    other spelling (``Causal Mask (1).py``)."""
    return {f"{problem}.py": 0, f"{problem}.ipynb": 1}.get(name, 2)


def match_problem(name: str, problems: list[str] | set[str]) -> str | None:
    """The problem id ``name`` (a ``.py`` or ``.ipynb`` file name) stands for, or None."""
    if not name.lower().endswith(SUBMISSION_SUFFIXES):
        return None
    stem = normalize_stem(name)
    return stem if stem in problems else None
