"""Terminal rendering of results, problem lists, history and validation tables."""

from __future__ import annotations

from typing import Any

import click

from judge.engine.notebooks import notebook_summary
from judge.engine.results import category_scores
from judge.engine.verdicts import ResultStatus, Verdict
from judge.feedback.messages import collapse

V = Verdict
SYMBOL = {
    V.PASSED: ("PASS", "green"), V.FAILED: ("FAIL", "red"), V.ERROR: ("ERROR", "red"), V.TIMEOUT: ("TIME", "yellow"),
    V.MEMORY: ("MEM", "yellow"), V.CRASHED: ("CRASH", "magenta"), V.FORBIDDEN: ("FORBID", "magenta"),
    V.MISSING: ("MISSING", "red"), V.INVALID: ("INVALID", "red"), V.JUDGE_ERROR: ("JUDGE?", "magenta"),
}
PROGRESS_MARK = {V.PASSED: ".", V.FAILED: "F", V.ERROR: "E", V.TIMEOUT: "T", V.MEMORY: "M", V.CRASHED: "C",
                 V.FORBIDDEN: "X", V.MISSING: "?", V.INVALID: "I", V.JUDGE_ERROR: "J"}


class TestProgress:
    """pytest-like progress on a terminal while tests run: one mark per test as it gets its verdict (``.`` passed,
    ``F`` failed, ``T`` timeout, ...), with a count, on one line that the report replaces."""

    def __init__(self, problem: str, total: int, stream: Any) -> None:
        self.problem, self.total, self.stream, self.marks = problem, total, stream, []

    def __call__(self, record: Any) -> None:
        status = record.status
        mark = PROGRESS_MARK.get(status, "?")
        self.marks.append(click.style(mark, fg=SYMBOL.get(status, ("", "red"))[1]))
        tail = "".join(self.marks[-60:])
        self.stream.write(f"\r{self.problem} {len(self.marks)}/{self.total} {tail}")
        self.stream.flush()

    def done(self) -> None:
        if self.marks:
            self.stream.write("\n")
            self.stream.flush()


def _fmt(x: float) -> str:
    return f"{x:g}"


def builds_on_line(result: dict[str, Any]) -> str | None:
    """Which of the learner's own earlier solutions the submission imported (judge/engine/builds_on.py)."""
    used = result.get("builds_on") or []
    if not used:
        return None
    return "built on your own " + ", ".join(f"{b['file']} (sha256 {b['sha256'][:12]})" for b in used)


def render_result(result: dict[str, Any], *, pending: str | None = None) -> str:
    """A learner's score report: one line per test (failures with their message), the score line, and the score
    by kind of test. ``pending`` says where the tests that did not run are run (when every test here passed).
    The sandbox tier is left to --json and the grading outputs: a learner has nothing to do with it."""
    lines = []
    what = "public tests" if result.get("visibility") == "public" else "public and hidden tests"
    lines.append(click.style(f"{result['problem']}", bold=True) + f"  ({what})")
    if result.get("notebook"):
        lines.extend(f"  {line}" for line in notebook_summary(result["notebook"]).splitlines())
    if builds_on_line(result):
        lines.append(f"  {builds_on_line(result)}")
    if result["status"] == ResultStatus.ERROR and result.get("message"):
        lines.append(click.style(f"  your file could not be loaded: {result['message']}", fg="red"))
    width = max([len(t["name"]) for t in result["tests"]] + [10])
    folded = collapse(result["tests"])
    said = {id(x) for shown in folded for x in shown.same}  # said once, at the first test with that message
    notes = {id(shown.test): shown for shown in folded if shown.same}
    for t in result["tests"]:
        if id(t) in said and result["status"] != ResultStatus.ERROR:
            continue
        label, fg = SYMBOL.get(t["status"], (t["status"].upper(), "red"))
        vis = "" if t["visibility"] == "public" else " (hidden)"
        lines.append(
            f"  {click.style(f'{label:<7}', fg=fg)} {t['name']:<{width}} {_fmt(t['score'])}/{_fmt(t['max_score'])}{vis}"
        )
        if t["status"] != Verdict.PASSED and t["message"] and result["status"] != ResultStatus.ERROR:
            for line in t["message"].splitlines()[:14]:
                lines.append(f"          {line}")
            if id(t) in notes:  # the other tests with this verdict and message, on one line
                shown = notes[id(t)]
                points = sum(x["score"] for x in shown.same), sum(x["max_score"] for x in shown.same)
                lines.append(f"          ({shown.folded}; {_fmt(points[0])}/{_fmt(points[1])} points)")
    failed = sum(t["status"] != Verdict.PASSED for t in result["tests"])
    pct = 100.0 * result["score"] / result["max_score"] if result["max_score"] else 0.0
    score = f"Score {_fmt(result['score'])}/{_fmt(result['max_score'])} ({pct:.0f}%)"
    if failed:
        summary = f"{score}: {failed} of {len(result['tests'])} tests did not pass."
    elif pending:
        summary = f"{score}: all public tests passed; {pending}."
    else:
        summary = f"{score}: all tests passed."
    lines.append(click.style(summary, bold=True, fg="green" if not failed else "red"))
    split = category_scores(result["tests"])
    if len(split) > 1 or (split and failed):
        lines.append("  by kind of test: " + ", ".join(
            f"{c['category']} {_fmt(c['score'])}/{_fmt(c['max_score'])}"
            + (f" ({100 * c['score'] / c['max_score']:.0f}%)" if c["max_score"] else "") for c in split))
    for table in learner_tables(result):  # what the problem shows of your own results, passed or not
        lines.append(click.style(f"  {table['title']}", bold=True))
        lines.extend(f"    {row}" for row in render_table(table["header"], table["rows"]).splitlines())
        if table.get("note"):
            lines.append(f"    {table['note']}")
    if result.get("stdout"):
        lines.append("  your code printed:")
        lines.extend(f"    {line}" for line in result["stdout"].splitlines()[:20])
    return "\n".join(lines)


def learner_tables(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every table the result's tests showed the learner, in test order."""
    return [table for t in result["tests"] for table in t.get("report", [])]


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(f"{str(c):<{w}}" for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return "\n".join(out)


def render_changes(changes: list[dict[str, Any]], before: int, after: int) -> str:
    """Which tests changed verdict between submission ``before`` and submission ``after``."""
    if not changes:
        return f"No test changed its verdict between #{before} and #{after}."
    lines = [f"Tests that changed between #{before} and #{after}:"]
    width = max(len(c["name"]) for c in changes)
    for c in changes:
        old, new = (SYMBOL.get(s, (str(s).upper(), ""))[0] if s else "(not run)" for s in (c["before"], c["after"]))
        vis = "" if c["visibility"] == "public" else " (hidden)"
        lines.append(f"  {c['name']:<{width}}  {old} -> {new}{vis}")
    return "\n".join(lines)
