"""report.html: self-contained (no network), and its figures agree with the gradebook."""

from __future__ import annotations

import csv
import re
import sqlite3
import statistics
from html.parser import HTMLParser

import pytest
from classroom import LOOP_AT_CALL, PROBE_CLASS, make_class, probe_root
from helpers import judge

from judge.grading.html_report import histogram_bins

pytestmark = pytest.mark.slow


class Collector(HTMLParser):
    """Every element's tag and attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    root = probe_root(tmp)
    subs = make_class(tmp / "class", {**PROBE_CLASS, "ivy": LOOP_AT_CALL})
    out = tmp / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--jobs", "2", "-q", "--allow-weak-sandbox", root=root)
    assert proc.returncode == 0, proc.stderr
    html = (out / "report.html").read_text()
    parser = Collector()
    parser.feed(html)
    return out, html, parser, sqlite3.connect(out / "gradebook.db")


def test_report_needs_no_network(graded):
    """Inline CSS and SVG only: no script, stylesheet, image or font fetched from anywhere."""
    _, html, parser, _ = graded
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    for tag, attrs in parser.elements:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        assert attrs.get("href", "#").startswith("#"), (tag, attrs)  # links within the page only
    assert "url(" not in html and "@import" not in html


def test_histogram_matches_grades(graded):
    """The histogram's bars count students' percentages from grades.csv."""
    out, _, parser, _ = graded
    with (out / "grades.csv").open() as fh:
        percents = [float(r["percent"]) for r in csv.DictReader(fh)]
    bars = parser.find("rect", **{"class": "bar"})
    assert len(bars) == 10
    assert [int(b["data-count"]) for b in bars] == histogram_bins(percents)
    assert sum(int(b["data-count"]) for b in bars) == len(PROBE_CLASS) + 1
    assert bars[0]["data-bin"] == "0-10" and bars[-1]["data-bin"] == "90-100"


def test_problem_statistics_match_gradebook(graded):
    _, _, parser, db = graded
    scores = [s for (s,) in db.execute("SELECT score FROM grades WHERE problem='probe'")]
    (row,) = [a for a in parser.find("tr", **{"data-problem": "probe"}) if "data-mean" in a]
    assert float(row["data-mean"]) == pytest.approx(statistics.fmean(scores), rel=1e-5)
    assert float(row["data-median"]) == pytest.approx(statistics.median(scores), rel=1e-5)
    assert int(row["data-graded"]) == len(scores)


def test_test_pass_rates_hardest_first(graded):
    """Per-test pass rates equal the gradebook's (submitted files only), sorted hardest first."""
    _, _, parser, db = graded
    rows = [a for t, a in parser.elements if t == "tr" and "data-test" in a]
    assert {r["data-test"] for r in rows} == {"test_public_example", "test_hidden_secret_size"}
    for r in rows:
        passed, total = db.execute(
            "SELECT SUM(t.status='passed'), COUNT(*) FROM test_results t JOIN grades g USING (student, problem) "
            "WHERE t.name=? AND g.status != 'missing'", (r["data-test"],)).fetchone()
        assert (int(r["data-passed"]), int(r["data-total"])) == (passed, total)
    rates = [int(r["data-passed"]) / int(r["data-total"]) for r in rows]
    assert rates == sorted(rates)


def test_flagged_submissions_and_common_failures(graded):
    """Timeout, crashed and forbidden submissions are listed; the commonest failure messages are counted in
    students (a student failing several tests with one message counts once)."""
    _, html, parser, db = graded
    flagged = {(a["data-student"], a["data-verdicts"]) for a in parser.find("tr") if "data-verdicts" in a}
    assert ("ivy", "timeout") in flagged and ("eve", "crashed") in flagged and ("gus", "forbidden") in flagged
    assert not any(s in ("ada", "fay", "dee") for s, _ in flagged)
    assert re.search(r'id="flagged-count">3<', html)
    counts = [int(a["data-count"]) for t, a in parser.elements if t == "tr" and "data-count" in a]
    (top,) = db.execute("SELECT COUNT(DISTINCT student) AS n FROM test_results WHERE status NOT IN ('passed', "
                        "'missing') AND message != '' GROUP BY status, message ORDER BY n DESC LIMIT 1").fetchone()
    assert counts and counts[0] == top


def test_points_by_kind_of_test_match_the_gradebook(graded):
    """The class's share of each kind of test's points agrees with the graded results."""
    _, _, parser, db = graded
    rows = parser.find("tr", **{"data-category": "correctness"})
    assert len(rows) == 1
    score, max_score = db.execute(
        "SELECT SUM(score), SUM(max_score) FROM grades WHERE problem='probe' AND status NOT IN ('missing', "
        "'judge_error')").fetchone()
    assert 0 < score < max_score
    assert float(rows[0]["data-share"]) == pytest.approx(score / max_score, rel=1e-5)
