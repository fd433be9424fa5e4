"""The ``>>>`` examples of a statement, run against the problem's reference and compared with what they print.

`judge validate` runs them in a child process (``python -m judge.examples REFERENCE``, examples on stdin as
JSON), never in its own: the reference is trusted, but its imports and globals have no business in the judge.
The rules an author needs are in problems/AUTHORING.md ("Examples are executed"); in short:

- an example is a ``>>>`` line (and its ``...`` continuations) inside a fenced block, its expected output the
  lines after it up to the next ``>>>``, a blank line that ends the output or the end of the block; a
  ``  # comment`` at the end of an expected line is not part of the output, and a ``>>>`` line holding only a
  comment prints nothing;
- the examples of one statement share a namespace holding ``np``, the entry points and
  ``rng = np.random.default_rng(0)``; an exception prints as ``ValueError: message`` (no traceback);
- NumPy prints as NumPy 1.x does (on NumPy 2, ``legacy="1.25"``: ``0.5``, not ``np.float64(0.5)``);
- comparison: whitespace runs are equal (doctest's NORMALIZE_WHITESPACE, and none is needed next to brackets
  and before commas), ``...`` matches any text (ELLIPSIS), a
  float in the expected output matches a printed float equal to the precision written (pytest's NUMBER);
- an example whose ``>>>`` line or first expected line has a comment saying ``for example`` or ``one possible``
  depends on random draws: only its form is compared (any number matches any number).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^\s*```")
COMMENT = re.compile(r"\s+#.*$")
ILLUSTRATIVE = re.compile(r"#\s*(for example|one possible)", re.IGNORECASE)
NUMBER = re.compile(r"""
    (?P<number>
      (?P<mantissa>(?P<integer1>[+-]?\d*)\.(?P<fraction>\d+) | (?P<integer2>[+-]?\d+)\.)
      (?:[Ee](?P<exponent1>[+-]?\d+))?
      | (?P<integer3>[+-]?\d+)(?:[Ee](?P<exponent2>[+-]?\d+))
    )""", re.VERBOSE)
ANY_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([Ee][+-]?\d+)?|\bnan\b|\binf\b")
EXAMPLE_TIMEOUT_S = 120
# Floats written to full precision still match across NumPy versions and machines, whose summation orders differ
# in the last bits: a relative 1e-14 is a few units in the last place of a float64, far below any test tolerance.
ULPS = 1e-14


@dataclass
class Example:
    source: str
    want: str
    line: int
    illustrative: bool = False


def parse_examples(text: str) -> list[Example]:
    """Every ``>>>`` example of a Markdown statement, in order."""
    examples: list[Example] = []
    lines = text.splitlines()
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if FENCE.match(line):
            in_fence = not in_fence
            i += 1
            continue
        stripped = line.strip()
        if not in_fence or not (stripped == ">>>" or stripped.startswith(">>> ")):
            i += 1
            continue
        start = i
        source = [stripped[4:]]
        i += 1
        while i < len(lines) and (lines[i].strip() == "..." or lines[i].strip().startswith("... ")):
            source.append(lines[i].strip()[4:])
            i += 1
        want = []
        while i < len(lines) and not lines[i].strip().startswith(">>>") and not FENCE.match(lines[i]):
            if not lines[i].strip():  # a blank line inside an output (a 3-d array) when more output follows
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if not want or not nxt.strip() or nxt.strip().startswith(">>>") or FENCE.match(nxt):
                    break
            want.append(lines[i])
            i += 1
        illustrative = bool(ILLUSTRATIVE.search(source[-1])) or bool(want) and bool(ILLUSTRATIVE.search(want[0]))
        examples.append(Example("\n".join(source), "\n".join(COMMENT.sub("", w) for w in want).strip(),
                                start + 1, illustrative))
    return examples


def _equalize_numbers(want: str, got: str) -> str:
    """``got`` with each float replaced by the expected text when they agree to the precision written there."""
    wants, gots = list(NUMBER.finditer(want)), list(NUMBER.finditer(got))
    if len(wants) != len(gots):
        return got
    out, offset = got, 0
    for w, g in zip(wants, gots, strict=True):
        fraction = w.group("fraction")
        exponent = w.group("exponent1") or w.group("exponent2")
        tol = 10.0 ** (int(exponent or 0) - len(fraction)) if fraction else 0.0
        try:
            a, b = float(w.group()), float(g.group())
            close = abs(a - b) <= max(tol * (1 + 1e-9), ULPS * max(abs(a), abs(b)))
        except ValueError:
            close = False
        if close:
            out = out[:g.start() + offset] + w.group() + out[g.end() + offset:]
            offset += len(w.group()) - (g.end() - g.start())
    return out


def _ellipsis_match(want: str, got: str) -> bool:
    if "..." not in want:
        return want == got
    pieces = want.split("...")
    if not got.startswith(pieces[0]) or not got.endswith(pieces[-1]):
        return False
    pos, end = len(pieces[0]), len(got) - len(pieces[-1])
    for piece in pieces[1:-1]:
        found = got.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return pos <= end


def normalize(text: str) -> str:
    """Whitespace runs become one space, none after an opening or before a closing bracket, one after a comma
    (NumPy pads columns: ``0.0328553 ]`` is ``0.032855]`` written to 6 decimals)."""
    return re.sub(r"\s*,\s*", ", ", re.sub(r"\s+([\])}])|([\[({])\s+", r"\1\2", " ".join(text.split())))


def output_matches(example: Example, got: str) -> bool:
    """Whether ``got`` (what the example printed) matches its expected output under the rules above."""
    want = example.want
    if example.illustrative:
        def form(t: str) -> str:
            return normalize(ANY_NUMBER.sub("#", t))
        return _ellipsis_match(form(want), form(got))
    return _ellipsis_match(normalize(want), normalize(_equalize_numbers(want, got)))


def run_examples(reference: Path, entry_points: list[str], examples: list[Example],
                 builds_on: dict[str, Path] | None = None) -> list[str]:
    """What each example printed when run against ``reference`` in a child process (``builds_on``: the module
    name and file of each earlier reference it imports); RuntimeError when the child itself fails (the reference
    does not import, a timeout)."""
    payload = json.dumps({"reference": str(reference.resolve()), "entry_points": entry_points,
                          "sources": [e.source for e in examples],
                          "builds_on": {k: str(v.resolve()) for k, v in (builds_on or {}).items()}})
    try:
        proc = subprocess.run([sys.executable, "-m", "judge.authoring.examples"], input=payload, capture_output=True,
                              text=True, timeout=EXAMPLE_TIMEOUT_S, cwd=reference.parent)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the examples ran past {EXAMPLE_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}")
    return json.loads(proc.stdout)


def check_statement(statement: Path, reference: Path, entry_points: list[str],
                    builds_on: dict[str, Path] | None = None) -> list[str]:
    """One error line per example of ``statement`` that fails or prints something else than it shows."""
    examples = parse_examples(statement.read_text())
    if not examples:
        return [f"{statement}: no '>>>' example in the statement; show 1-3 worked examples under ## Examples"]
    try:
        outputs = run_examples(reference, entry_points, examples, builds_on)
    except RuntimeError as exc:
        return [f"{statement}: the examples could not run against {reference}: {exc}"]
    errors = []
    for example, got in zip(examples, outputs, strict=True):
        if output_matches(example, got):
            continue
        first = example.source.splitlines()[0]
        shown = normalize(example.want)[:300] or "(nothing)"
        printed = normalize(got)[:300] or "(nothing)"
        errors.append(f"{statement}:{example.line}: the example '>>> {first[:80]}' shows {shown!r} but the "
                      f"reference prints {printed!r}; fix the statement (or the reference)")
    return errors


def _run(reference: str, entry_points: list[str], sources: list[str], builds_on: dict[str, str]) -> list[str]:
    """Child side: run ``sources`` one after another in one namespace, returning what each printed."""
    import builtins
    import contextlib
    import importlib.abc
    import importlib.util
    import io

    import numpy as np

    class Earlier(importlib.abc.MetaPathFinder):
        """The references this one builds on, importable by their problem ids."""

        def find_spec(self, fullname: str, path: object = None, target: object = None) -> object:
            where = builds_on.get(fullname)
            return importlib.util.spec_from_file_location(fullname, where) if where else None

    sys.meta_path.insert(0, Earlier())

    if int(np.__version__.split(".")[0]) >= 2:
        np.set_printoptions(legacy="1.25")
    spec = importlib.util.spec_from_file_location("reference", reference)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = {"np": np, "numpy": np, "rng": np.random.default_rng(0), "__builtins__": builtins}
    namespace.update({name: getattr(module, name) for name in entry_points if hasattr(module, name)})
    outputs = []
    for source in sources:
        buf = io.StringIO()
        if all(not line.strip() or line.strip().startswith("#") for line in source.splitlines()):
            outputs.append("")  # a comment
            continue

        def display(value: object, buf: io.StringIO = buf) -> None:
            if value is not None:
                buf.write(repr(value) + "\n")

        saved = sys.displayhook
        sys.displayhook = display
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(source, "<example>", "single"), namespace)  # noqa: S102 - the trusted reference
        except Exception as exc:  # the example shows the error it expects
            buf.write(f"{type(exc).__name__}: {exc}\n")
        finally:
            sys.displayhook = saved
        outputs.append(buf.getvalue())
    return outputs


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    json.dump(_run(request["reference"], request["entry_points"], request["sources"], request.get("builds_on", {})),
              sys.stdout)
