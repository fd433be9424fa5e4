"""Student text made inert in everything the judge writes for instructors: CSV cells, logs, reports, the terminal.

Student text is whatever a student chose: folder and file names, roster names and e-mails, Canvas or Moodle
names, Gradescope submitter fields. The rules, in one place:

- **Visible, never obeyed** (:func:`visible`, used for log lines, collect_report.txt, ignored.txt, grading.log,
  the terminal and report.html): C0 and C1 control characters (newline, carriage return, tab, escape, ...), DEL,
  the Unicode line and paragraph separators, bidirectional controls (U+061C, U+200E/F, U+202A..U+202E,
  U+2066..U+2069) and lone surrogates (undecodable bytes of a file name) become ``\\n``, ``\\t``, ``\\x1b``,
  ``\\u202e``, ``\\udcff``: a newline can never forge a line, an escape sequence never reaches a terminal, and a
  right-to-left override never reorders what an instructor reads. Backslashes are kept as they are.
- **CSV text cells** (:func:`csv_text`, through :func:`csv_writer`): made visible as above, then, as OWASP's CSV
  injection guidance recommends, a cell whose first non-blank character could start a formula (``=``, ``+``,
  ``-``, ``@``, tab, carriage return, or their full-width forms ``＝ ＋ － ＠``) gets a leading single quote,
  and every text cell is quoted.
- **CSV number cells** (:func:`csv_number`): a number the judge computed (score, total, percent, points) is
  written bare, as ``%g`` or the format given, never prefixed and never quoted: it is not student text, and
  a spreadsheet reads it as a number (a negative number stays ``-1.5``). Only values of this type are bare.
- **HTML** (:func:`html_text`): :func:`visible` (keeping tab and newline, which HTML shows as spaces), then
  HTML-escaped, quotes included. report.html also carries :data:`CSP_META`, which forbids every script,
  every network fetch, forms and ``<base>``.
"""

from __future__ import annotations

import csv
import html
import re
from typing import IO, Any

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI + "\ud800-\udfff]")
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
CSP = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any, keep: str = "") -> str:
    """``text`` with every control, bidirectional-override and lone-surrogate character escaped visibly
    (``\\n``, ``\\x1b``, ``\\u202e``); the characters in ``keep`` are left as they are."""
    text = str(text)
    if keep:
        return _HIDDEN.sub(lambda m: m.group() if m.group() in keep else _escape_char(m), text)
    return _HIDDEN.sub(_escape_char, text)


def log_line(text: Any) -> str:
    """One line of a log, report or terminal output: :func:`visible`, so it stays one line."""
    return visible(text)


def html_text(text: Any, quote: bool = True) -> str:
    """Text for report.html: visible controls (tab and newline kept), then HTML-escaped."""
    return html.escape(visible(text, keep="\t\n"), quote=quote)


class CsvNumber(float):
    """A number the judge computed, written bare in a CSV cell (see :func:`csv_number`)."""

    text: str

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def csv_number(value: float | int | None, fmt: str = "g") -> CsvNumber | str:
    """A numeric cell: the number formatted with ``fmt``, bare; None is an empty cell."""
    if value is None:
        return ""
    cell = CsvNumber(value)
    cell.text = format(float(value), fmt)
    return cell


def csv_text(value: Any) -> str:
    """A text cell: visible controls, and a leading ``'`` when it could start a formula (OWASP)."""
    text = visible(value)
    stripped = str(value).lstrip(" \u00a0\u3000")
    if stripped[:1] in FORMULA_START:
        return "'" + text
    return text


class _InertWriter:
    """A csv.writer whose text cells go through :func:`csv_text` and are quoted; :class:`CsvNumber` cells are
    written bare."""

    def __init__(self, fh: IO[str]) -> None:
        self._writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([c if isinstance(c, CsvNumber) else csv_text(c) for c in row])


def csv_writer(fh: IO[str]) -> _InertWriter:
    """The only way the judge writes a CSV: every text cell inert, every number bare."""
    return _InertWriter(fh)
