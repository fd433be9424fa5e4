"""What every checker raises, and how values are described in messages."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

_GROUP = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NUMBER = re.compile(r"(?<![A-Za-z_\d.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?:x\d+)*(?![\d.]|-D)")


_KEYS = re.compile(r"""\[\s*(?:'\w+'|"\w+"|[A-Z][A-Z_]*)(?:\s*,\s*(?:'\w+'|"\w+"|[A-Z][A-Z_]*))*\s*\]""")
_KEYWORD = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")


def _call_args(group: str) -> str:
    """``(x, 3, p=0.5, rng=rng)`` -> ``(..., p=..., rng=...)``: keyword names are the statement's, values are not."""
    parts, depth, current = [], 0, ""
    for ch in group[1:-1]:
        depth += ch in "([{\0\3"
        depth -= ch in ")]}\2\4"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    shown: list[str] = []
    for part in parts:
        m = _KEYWORD.match(part)
        item = f"{m.group(1)}=..." if m else "..."
        if not (item == "..." and shown and shown[-1] == "..."):
            shown.append(item)
    return "\0" + ", ".join(shown) + "\2"


def public_name(name: str) -> str:
    """``name`` as a hidden test under the ``summary`` feedback policy may show it: without the inputs it names.
    Call arguments and index lists become ``...`` and other numbers ``N``: ``causal_mask(2048)`` ->
    ``causal_mask(...)``, ``dispersion over 200 calls`` -> ``dispersion over N calls``; words and dtype names
    (``float32``) stay, and so do the names a statement gives: keyword names (``f(ids, p=0.5)`` ->
    ``f(..., p=...)``), string keys and upper-case token names in brackets (``grads['pos']``, ``[MASK]``)."""
    previous = None
    while previous != name:  # innermost groups first, so nested ones collapse too
        previous, name = name, _GROUP.sub(
            lambda m: _call_args(m.group(0)) if m.group(0)[0] == "(" else
            (m.group(0).replace("[", "\3").replace("]", "\4") if _KEYS.fullmatch(m.group(0)) else "\1"), name)
    name = name.replace("\1", "[...]")
    name = _NUMBER.sub("N", name)
    return name.replace("\0", "(").replace("\2", ")").replace("\3", "[").replace("\4", "]")


class CheckFailure(AssertionError):
    """A failed check. ``summary`` is safe to show for hidden tests; ``detail`` may show inputs and values.
    ``name`` is what the check called the value: the summary shows it only as :func:`public_name` does."""

    def __init__(self, summary: str, detail: str | None = None, *, name: str | None = None) -> None:
        super().__init__(detail or summary)
        self.summary = summary.replace(name, public_name(name)) if name else summary
        self.detail = detail or summary

    @classmethod
    def elided(cls, detail: str) -> CheckFailure:
        """A failure whose detail is ``detail`` and whose summary is ``detail`` without the inputs and values it
        names (:func:`public_name`): for a test's own message that interpolates values."""
        return cls(public_name(detail), detail)


def type_name(value: Any) -> str:
    t = type(value)
    if t is np.ndarray:
        return f"numpy.ndarray of dtype {value.dtype} and shape {value.shape}"
    if t.__module__ == "builtins":
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


def show(value: Any, limit: int = 200) -> str:
    """A short, readable rendering of a value for feedback."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=64, max_line_width=100, separator=", ")
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
    elif isinstance(value, (np.integer, np.bool_)):
        text = repr(value.item())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def index_text(index: tuple) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if len(index) != 1 else f"[{int(index[0])}]"
