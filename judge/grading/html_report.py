"""report.html: a self-contained class report built from the gradebook (inline CSS and SVG, no network).

Sections: the distribution of students' percentages as a histogram, per-problem mean and median, the pass rate of
every test with the hardest first, the most common failure messages per problem (counting students), the
submissions that hit timeout, memory, crashed, forbidden or judge_error, a table per student (score per problem,
late penalty, overrides), and the similarity pairs with side-by-side matched regions. Figures carry ``data-*``
attributes so tools (and the judge's tests) can read them back. Every number comes from a
:class:`~judge.grading.gradebook.Gradebook` method: this module only renders.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from judge.engine.results import category_scores

from .course import Course
from .gradebook import Gradebook
from .inert_text import CSP_META
from .inert_text import html_text as escape
from .scores import effective_score, late_of, student_total
from .similarity import FLAG_AT

BINS = 10
STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{fill:#4a7bd0}.axis{stroke:#444}.lbl{font-size:11px;fill:#333}.rate{display:inline-block;height:.7rem;
background:#4a7bd0}code{font-size:.85rem}.muted{color:#777}
.override{background:#fff3c4}.late{color:#a33}.flag{font-weight:bold;color:#a33}
.side{display:flex;gap:1rem}.side pre{flex:1;overflow:auto;max-height:30rem;font-size:.75rem;border:1px solid #ddd;
padding:.3rem;margin:0}.side mark{background:#ffd27a}
"""
SIMILARITY_NOTE = (
    "These pairs are ranked by the similarity of their normalized code (token fingerprints, as MOSS computes them; "
    "the starter code and the reference's imports and signatures excluded). This flags pairs for a person to look "
    "at; it never accuses anyone. Short problems have few natural solutions, and students may share lecture "
    "notes: similar code is not proof of copying.")


def histogram_bins(percents: list[float], bins: int = BINS) -> list[int]:
    """Counts of percentages in [0,10), [10,20), ..., [90,100] (the last bin includes 100)."""
    counts = [0] * bins
    for p in percents:
        counts[min(int(p // (100 / bins)), bins - 1) if p >= 0 else 0] += 1
    return counts


def _svg_histogram(counts: list[int]) -> str:
    width, height, pad = 640, 240, 36
    top = max(counts + [1])
    bw = (width - 2 * pad) / len(counts)
    parts = [f'<svg id="histogram" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="score distribution">']
    parts.append(f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"/>')
    step = 100 // len(counts)
    for i, c in enumerate(counts):
        h = (height - 2 * pad) * c / top
        x = pad + i * bw
        lo, hi = i * step, (i + 1) * step
        parts.append(f'<rect class="bar" data-bin="{lo}-{hi}" data-count="{c}" x="{x + 2:.1f}" '
                     f'y="{height - pad - h:.1f}" width="{bw - 4:.1f}" height="{h:.1f}"><title>{lo}-{hi}%: {c}'
                     f'</title></rect>')
        parts.append(f'<text class="lbl" x="{x + bw / 2:.1f}" y="{height - pad + 14}" text-anchor="middle">'
                     f'{lo}</text>')
        if c:
            parts.append(f'<text class="lbl" x="{x + bw / 2:.1f}" y="{height - pad - h - 4:.1f}" '
                         f'text-anchor="middle">{c}</text>')
    parts.append(f'<text class="lbl" x="{width - pad}" y="{height - pad + 14}" text-anchor="middle">100</text>')
    parts.append(f'<text class="lbl" x="{width / 2}" y="{height - 4}" text-anchor="middle">percent of the total '
                 f'score</text></svg>')
    return "".join(parts)


def _marked(source: str, regions: list[list[int]]) -> str:
    """The source with the lines of ``regions`` wrapped in <mark>, numbered."""
    marked = {n for first, last in regions for n in range(first, last + 1)}
    lines = []
    for n, line in enumerate(source.splitlines(), start=1):
        text = f"{n:4d}  {escape(line)}"
        lines.append(f"<mark>{text}</mark>" if n in marked else text)
    return "\n".join(lines)


def _similarity_section(pairs: dict[str, list[tuple[str, str, float, dict[str, Any]]]]) -> list[str]:
    out = ['<h2 id="similarity">Similarity (flags for a look, never an accusation)</h2>',
           f'<p id="similarity-note">{escape(SIMILARITY_NOTE)}</p>']
    if not pairs:
        out.append('<p class="muted">No pair of submissions shares distinctive code.</p>')
    for problem, rows in pairs.items():
        out.append(f'<h3><code>{escape(problem)}</code></h3><table class="similarity" data-problem="{escape(problem)}">'
                   "<tr><th>students</th><th>similarity</th><th>shared fingerprints</th><th>of each file</th>"
                   "<th></th></tr>")
        for i, (a, b, score, d) in enumerate(rows):
            flag = score >= FLAG_AT
            out.append(f'<tr data-a="{escape(a)}" data-b="{escape(b)}" data-score="{score:.4f}" '
                       f'data-flagged="{"yes" if flag else "no"}"><td>{escape(a)} &amp; {escape(b)}</td>'
                       f'<td class="num{" flag" if flag else ""}">{100 * score:.0f}%</td>'
                       f'<td class="num">{d["shared"]}</td><td>{d["a_percent"]:g}% / {d["b_percent"]:g}%</td>'
                       f'<td><a href="#sim-{escape(problem)}-{i}">side by side</a></td></tr>')
        out.append("</table>")
        for i, (a, b, score, d) in enumerate(rows):
            out.append(f'<details id="sim-{escape(problem)}-{i}" class="side-by-side"><summary>{escape(problem)}: '
                       f'{escape(a)} and {escape(b)}, {100 * score:.0f}% (matched lines highlighted)</summary>'
                       f'<div class="side"><pre data-student="{escape(a)}">{_marked(d["a_source"], d["a_regions"])}'
                       f'</pre><pre data-student="{escape(b)}">{_marked(d["b_source"], d["b_regions"])}</pre></div>'
                       "</details>")
    return out


def _students_section(book: Gradebook, problems: list[str], maxima: dict[str, float], course: Course | None
                      ) -> list[str]:
    times = book.submission_times() if course is not None else {}
    notes = book.submission_notes()
    failed = book.failed_tests_per_student()
    out = ['<h2>Students</h2><table id="students"><tr><th>student</th>',
           *(f"<th><code>{escape(p)}</code></th>" for p in problems),
           "<th>total</th><th>failed tests</th><th>late</th><th>overrides</th></tr>"]
    for student, rows in book.iter_roster():
        cells, late_notes, overrides = [], [], []
        group = ""
        for p in problems:
            row = rows.get(p)
            score = effective_score(row)
            cls = "num"
            if row is not None and row.get("override"):
                cls += " override"
                overrides.append(f"{p}: {row['override']['score']:g} ({row['override']['reason']})")
            late = late_of(course, student, p, times, notes) if course is not None else None
            if late is not None and (late.days or late.note):
                late_notes.append(f"{p}: {late.days} d, -{late.percent:g}%" + (f" ({late.note})" if late.note else ""))
            group = group or notes.get((student, p), {}).get("group", "")
            text = "judge_error" if score is None else f"{score:g}"
            cells.append(f'<td class="{cls}" data-problem="{escape(p)}" data-score="{text}">{text}</td>')
        total, max_total = student_total(rows, problems, maxima)
        total_text = "" if total is None else f"{total:g}/{max_total:g}"
        out.append(f'<tr data-student="{escape(student)}" data-failed="{failed.get(student, 0)}">'
                   f"<td>{escape(student)}"
                   + (f' <span class="muted" data-group="{escape(group)}">group {escape(group)}</span>'
                      if group else "")
                   + f"</td>{''.join(cells)}<td class=\"num\">{total_text}</td>"
                   f'<td class="num">{failed.get(student, 0)}</td>'
                   f'<td class="late">{escape("; ".join(late_notes))}</td>'
                   f'<td>{escape("; ".join(overrides))}</td></tr>')
    out.append("</table>")
    return out


def build_report(book: Gradebook, title: str = "Class report", course: Course | None = None) -> str:
    problems = book.problems()
    maxima = book.problem_max_scores()
    percents, incomplete, n_students = [], 0, 0
    for _student, rows in book.iter_roster():
        n_students += 1
        total, max_total = student_total(rows, problems, maxima)
        if total is None:
            incomplete += 1
        elif max_total:
            percents.append(100.0 * total / max_total)
    counts = histogram_bins(percents)
    out = ["<!DOCTYPE html>", f'<html lang="en"><head><meta charset="utf-8">{CSP_META}',
           f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="muted">{n_students} students, {len(problems)} problems; generated '
           f'{datetime.now(timezone.utc).isoformat(timespec="seconds")} from gradebook.db.</p>']

    out.append("<h2>Score distribution</h2>")
    out.append(_svg_histogram(counts))
    if percents:
        out.append(f'<p>Mean <span id="class-mean">{statistics.fmean(percents):.1f}</span>%, median '
                   f'<span id="class-median">{statistics.median(percents):.1f}</span>% over {len(percents)} '
                   f"students.</p>")
    if incomplete:
        out.append(f"<p><strong>{incomplete} students</strong> are not in the histogram: a judge error left "
                   f"their total incomplete (see below).</p>")

    out.append('<h2>Problems</h2><table id="problems"><tr><th>problem</th><th>max</th><th>graded</th>'
               "<th>mean</th><th>median</th><th>full marks</th><th>missing</th><th>load errors</th></tr>")
    for p in problems:
        scores = book.graded_scores(p)
        status_counts = book.status_counts(p)
        mean = statistics.fmean(scores) if scores else 0.0
        median = statistics.median(scores) if scores else 0.0
        out.append(f'<tr data-problem="{escape(p)}" data-mean="{mean:.6g}" data-median="{median:.6g}" '
                   f'data-graded="{len(scores)}"><td><code>{escape(p)}</code></td>'
                   f'<td class="num">{maxima.get(p, 0):g}</td><td class="num">{len(scores)}</td>'
                   f'<td class="num">{mean:.2f}</td><td class="num">{median:.2f}</td>'
                   f'<td class="num">{status_counts.get("passed", 0)}</td>'
                   f'<td class="num">{status_counts.get("missing", 0)}</td>'
                   f'<td class="num">{status_counts.get("error", 0)}</td></tr>')
    out.append("</table>")

    out.append("<h2>Pass rate of every test (hardest first)</h2>")
    out.append('<p class="muted">Over submitted files (missing submissions and judge errors are left out).</p>')
    for p in problems:
        rows = book.test_pass_rates(p)
        out.append(f'<h3><code>{escape(p)}</code></h3><table class="tests" data-problem="{escape(p)}">'
                   "<tr><th>test</th><th>kind</th><th>passed</th><th>rate</th></tr>")
        for name, vis, passed, total in rows:
            rate = passed / total
            out.append(f'<tr data-test="{escape(name)}" data-visibility="{vis}" data-passed="{passed}" '
                       f'data-total="{total}"><td><code>{escape(name)}</code></td><td>{vis}</td>'
                       f'<td class="num">{passed}/{total}</td><td><span class="rate" style="width:{rate * 8:.2f}rem">'
                       f'</span> {100 * rate:.0f}%</td></tr>')
        out.append("</table>")

    out.extend(category_section(book, problems))

    out.append("<h2>Most common failure messages</h2>")
    out.append('<p class="muted">Counted in students: a student who fails several tests with one message counts '
               "once.</p>")
    for p in problems:
        rows = book.common_failures(p)
        if not rows:
            continue
        out.append(f'<h3><code>{escape(p)}</code></h3><table class="failures" data-problem="{escape(p)}">'
                   "<tr><th>students</th><th>verdict</th><th>message</th></tr>")
        for status, message, n in rows:
            short = message if len(message) <= 400 else message[:400] + "..."
            out.append(f'<tr data-count="{n}"><td class="num">{n}</td><td>{status}</td>'
                       f"<td><code>{escape(short)}</code></td></tr>")
        out.append("</table>")

    flagged = book.flagged_pairs()
    out.append(f'<h2>Submissions that hit timeout, memory, crashed, forbidden or judge_error '
               f'(<span id="flagged-count">{len(flagged)}</span>)</h2>')
    out.append('<table id="flagged"><tr><th>student</th><th>problem</th><th>verdicts</th><th>note</th></tr>')
    for student, p, _status, message, kinds in flagged:
        out.append(f'<tr data-student="{escape(student)}" data-problem="{escape(p)}" '
                   f'data-verdicts="{" ".join(kinds)}"><td>{escape(student)}</td><td><code>{escape(p)}</code></td>'
                   f'<td>{", ".join(kinds)}</td><td><code>{escape(message[:300])}</code></td></tr>')
    out.append("</table>")
    out.extend(_students_section(book, problems, maxima, course))
    out.extend(_similarity_section(book.similar_pairs()))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def category_section(book: Gradebook, problems: list[str]) -> list[str]:
    """The class's share of the points of each kind of test (correctness, edge cases, argument checks, statistics),
    per problem, over submitted files: where the class loses its points."""
    out = ["<h2>Points by kind of test</h2>",
           '<p class="muted">Share of each kind\'s points the class earned, over submitted files.</p>']
    for p in problems:
        totals: dict[str, list[float]] = {}
        for result in book.submitted_results(p):
            for c in result.get("categories") or category_scores(result["tests"]):
                got = totals.setdefault(c["category"], [0.0, 0.0])
                got[0] += c["score"]
                got[1] += c["max_score"]
        if not totals:
            continue
        out.append(f'<h3><code>{escape(p)}</code></h3><table class="categories" data-problem="{escape(p)}">'
                   "<tr><th>kind of test</th><th>points earned</th><th>share</th></tr>")
        for name, (score, max_score) in totals.items():
            share = score / max_score if max_score else 0.0
            out.append(f'<tr data-category="{escape(name)}" data-share="{share:.6g}"><td>{escape(name)}</td>'
                       f'<td class="num">{score:g}/{max_score:g}</td><td><span class="rate" '
                       f'style="width:{share * 8:.2f}rem"></span> {100 * share:.0f}%</td></tr>')
        out.append("</table>")
    return out


def write_report(book: Gradebook, out: Path, title: str = "Class report", course: Course | None = None) -> Path:
    path = out / "report.html"
    tmp = path.with_name(".report.html.tmp")
    tmp.write_text(build_report(book, title, course), encoding="utf-8")
    tmp.replace(path)
    return path
