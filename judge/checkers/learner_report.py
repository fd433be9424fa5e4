"""Results a problem shows the learner after the score: tables a test computes, on the trusted side, from the
learner's own outputs (the capstone's accuracy table beside the optimum, a sample of each model).

A test calls :func:`show_learner`; the plugin gives each test a fresh sink before it runs and stores what it
showed in the test's result (``report``), which the terminal, the JSON and the notebook view print after the score,
whether the test passed or not. What may appear is narrow by construction: words (titles, column names, row labels)
pass through :func:`~judge.checkers.base.public_name`, so no call argument, index or number of an input survives
in them, and cells are numbers rendered here (or such words). Never pass a hidden input's values as cells:
`tests/test_learner_report.py` runs every problem's reference and checks what each report shows.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from judge.checkers.base import public_name

MAX_ROWS, MAX_COLUMNS, MAX_TABLES = 24, 12, 4
_sink: list[dict[str, Any]] | None = None


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        x = float(value)
        return "nan" if math.isnan(x) else f"{x:.{digits}f}"
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and hasattr(value, "ndim")):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        return " ".join(_cell(v, digits) for v in items[:MAX_COLUMNS * 4])
    return public_name(str(value))


def show_learner(title: str, header: list[str], rows: list[list[Any]], *, note: str = "", digits: int = 3) -> None:
    """Show the learner a table after the score: ``rows`` of cells (numbers, bools, sequences of numbers such as
    a generated sample, or words), under ``header``. Outside a judge run it does nothing."""
    if _sink is None or len(_sink) >= MAX_TABLES:
        return
    _sink.append({
        "title": public_name(title),
        "header": [public_name(str(h)) for h in header[:MAX_COLUMNS]],
        "rows": [([_cell(c, digits) for c in row] + [""] * len(header))[:min(len(header), MAX_COLUMNS)]
                 for row in rows[:MAX_ROWS]],
        **({"note": public_name(note)} if note else {}),
    })


def begin() -> None:
    """A fresh sink for the test about to run (the plugin calls this)."""
    global _sink
    _sink = []


def take() -> list[dict[str, Any]]:
    """What the test that just ran showed, and no sink until the next begin()."""
    global _sink
    shown, _sink = _sink or [], None
    return shown
