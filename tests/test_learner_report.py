"""Results a problem shows the learner after the score (judge/checkers/learner_report.py): the capstone's own
table on a passing submit, in the terminal, the JSON and the notebook view; and no hidden input in any report."""

from __future__ import annotations

import json
import re

import click
import numpy as np
import pytest
from helpers import REPO, judge, judge_json

from judge.authoring.privacy import leaked_input, report_words
from judge.checkers import learner_report
from judge.checkers.learner_report import show_learner
from judge.cli.desk import Report
from judge.engine.problems import problem_ids

CAPSTONE_REFERENCE = str(REPO / "solutions" / "compare_objectives" / "reference.py")


def test_show_learner_is_inert_outside_a_run_and_keeps_only_public_words():
    show_learner("nothing to show", ["a"], [[1]])  # no sink: nothing happens, nothing raises
    learner_report.begin()
    show_learner("loss of f(ids, p=0.5) at row 3", ["kind", "value", "sample", "ok", "extra"],
                 [["R", np.float64(0.25), np.array([3, 11, 12]), True], ["grads['pos'][2, 1]", 1.0 / 3]])
    shown = learner_report.take()
    assert learner_report.take() == []  # taken once
    assert shown == [{"title": "loss of f(..., p=...) at row N", "header": ["kind", "value", "sample", "ok", "extra"],
                      "rows": [["R", "0.250", "3 11 12", "yes", ""], ["grads['pos'][...]", "0.333", "", "", ""]]}]


@pytest.fixture(scope="module")
def capstone_result(tmp_path_factory):
    db = tmp_path_factory.mktemp("report") / "h.db"
    code, result = judge_json("submit", "compare_objectives", CAPSTONE_REFERENCE, "--db", str(db))
    assert code == 0 and result["score"] == result["max_score"]
    return result


def test_a_passing_capstone_submit_shows_the_learners_table(capstone_result, tmp_path):
    tables = {t["name"]: t.get("report", []) for t in capstone_result["tests"]}
    causal, masked = tables["test_claims_causal_lm"], tables["test_claims_masked_lm"]
    assert [row[0] for row in causal[0]["rows"]] == ["a", "L", "R", "b"]
    assert causal[0]["header"] == ["kind", "your accuracy", "optimum", "your loss", "optimum loss"]
    by_kind = {row[0]: row for row in causal[0]["rows"]}
    assert by_kind["L"][1] == "1.000" and by_kind["R"][2] == "0.250"  # at L perfect, at R the optimum is chance
    assert 0.15 < float(by_kind["R"][1]) < 0.35  # the learner's own number, the chapter's claim
    assert {row[0] for row in masked[0]["rows"]} == {"a", "L", "R", "b"} and masked[0]["rows"][2][2] == "1.000"
    samples = causal[1]["rows"]
    assert [s[0].split()[0] for s in samples] == ["3", "6"]  # the statement's prompts, 8 tokens each
    assert all(len(s[0].split()) == 8 and s[1] in ("yes", "no") for s in samples)
    text = click.unstyle(judge("submit", "compare_objectives", CAPSTONE_REFERENCE, "--db",
                               str(tmp_path / "h.db")).stdout)
    after_score = text.split("Score ", 1)[1]
    assert "Your causal LM, next-token: mean per kind of position" in after_score
    assert re.search(r"^\s+R\s+0\.\d{3}\s+0\.250\s+", after_score, re.M)
    html = Report(capstone_result, "submit")._repr_html_()
    assert "your accuracy" in html and "<td>0.250</td>" in html


def test_no_report_shows_a_hidden_input():
    """Every problem whose tests can show a report (only through show_learner) is judged on its reference: no
    word in a report names an input (the privacy rule; judge validate applies it to every mutant's report too),
    and a problem without show_learner shows nothing."""
    showing = [pid for pid in problem_ids(REPO)
               if any("show_learner" in p.read_text() for p in (REPO / "problems" / pid).glob("tests_*.py"))]
    assert "compare_objectives" in showing
    for pid in showing:
        proc = judge("submit", pid, str(REPO / "solutions" / pid / "reference.py"), "--json", "--db", ":memory:")
        result = json.loads(proc.stdout)
        for test in result["tests"]:
            assert test.get("report") or "report" not in test
            for word in report_words(test):
                assert leaked_input(word) is None, (pid, test["name"], word)
    quiet = next(pid for pid in problem_ids(REPO) if pid not in showing)
    _, result = judge_json("submit", quiet, str(REPO / "solutions" / quiet / "reference.py"), "--db", ":memory:")
    assert not any("report" in t for t in result["tests"])
