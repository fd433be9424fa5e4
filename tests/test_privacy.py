"""Hidden tests say no more than their problem's feedback policy allows: under ``summary`` their ids carry no
parameter values and their messages name no inputs (what the README promises learners). The rules live in
judge/authoring/privacy.py, which `judge validate` applies to every problem; here they are pinned on examples."""

from __future__ import annotations

import pytest
from helpers import REPO

from judge.authoring.privacy import leaked_input
from judge.checkers import CheckFailure, expect_array, expect_float
from judge.checkers.base import public_name
from judge.checkers.case_ids import neutral_test_id
from judge.engine.problems import load_problem, problem_ids
from judge.engine.runner import collect_tests

IDS = problem_ids(REPO)


@pytest.mark.parametrize("problem_id", IDS)
def test_hidden_test_ids_show_no_inputs(problem_id):
    """Every hidden test id of a summary-policy problem is plain or uses caseN / plain-word ids."""
    problem = load_problem(REPO, problem_id)
    tests = collect_tests(problem)
    hidden = [t["name"] for t in tests if t["visibility"] == "hidden"]
    assert hidden
    if problem.hidden_feedback == "summary":
        shown = [name for name in hidden if not neutral_test_id(name)]
        assert not shown, f"{problem_id}: hidden test ids show inputs: {shown[:5]}; use ids=cases()"


def test_the_id_rule_rejects_values():
    assert neutral_test_id("test_x[case3]") and neutral_test_id("test_x[case0-negative]")
    for name in ("test_x[2048]", "test_x[512-0.15-20-20]", "test_x[p=0.5]", "test_x[1d-batch]", "test_x[-1]"):
        assert not neutral_test_id(name), name


def test_check_summaries_name_no_inputs():
    """A checker's summary (what a hidden test shows) hides the arguments in its name; its detail keeps them."""
    import numpy as np

    with pytest.raises(CheckFailure) as caught:
        expect_array(np.zeros((4, 4), bool), np.ones((4, 4), bool), name="causal_mask(2048)")
    assert caught.value.summary == "wrong values: causal_mask(...) differs at 16 positions"
    assert "causal_mask(2048)" in caught.value.detail and "of 16 positions" in caught.value.detail
    with pytest.raises(CheckFailure) as caught:
        expect_float(0.5, float("nan"), rtol=0, atol=0, name="loss with every target ignored, L_past=5, L_new=3")
    assert caught.value.summary == ("wrong value: loss with every target ignored, L_past=N, L_new=N should be NaN, "
                                    "got a number")
    assert leaked_input(caught.value.summary) is None
    assert public_name("attention_reach(random 128x128 mask, 3) over 200 calls, float32") == \
        "attention_reach(...) over N calls, float32"


@pytest.mark.parametrize("message,leak", [
    ("wrong values: causal_mask(2048) differs at 3 positions", "k(2048"),
    ("wrong value: f(L_past=5) is outside the tolerance", "f(L_past=5"),
    ("wrong value: kv L_past=5", "t=5"),
    ("wrong values: mask[0, 1] differs at 1 positions", "k[0, 1"),
    ("wrong values: causal_mask(...) differs at 3 positions", None),
    ("statistical check failed: steps of f(...) is not uniform (chi-square 9.0 over 32 categories; the step "
     "(s[b + 1] - s[b]) mod 32 is uniform)", None),
    ("statistical check failed: share of f(p=0.5) = 0.2", "f(p=0.5"),
    ("your code raised ValueError (line 19, in f: x = np.asarray(x, dtype=np.float64)[0])", None),
    ("clm_labels tried to modify an input in place (line 18, in clm_labels: labels[mask == 0] = IGNORE: ValueError: "
     "assignment destination is read-only); inputs must never be mutated: array, list and dict arguments arrive "
     "read-only (work on a copy)", None),
    ("f(3) tried to modify an input in place", "f(3"),
    ("statistical check failed: share of masked tokens = 0.2000, expected within [0.1400, 0.1600] over 1,000 "
     "samples", None),
])
def test_the_message_rule(message, leak):
    assert leaked_input(message) == leak


def test_a_tests_own_message_is_elided_in_its_summary():
    failure = CheckFailure.elided("wrong values: t5_noise_mask(568, noise_density=0.15) has 27 spans, expected 28")
    assert failure.summary == "wrong values: t5_noise_mask(..., noise_density=...) has N spans, expected N"
    assert "568" in failure.detail and leaked_input(failure.summary) is None


@pytest.mark.parametrize("name,shown", [
    ("grads['pos'] of loss_and_grads", "grads['pos'] of loss_and_grads"),            # an array name of the statement
    ("share of inputs that are [MASK] (pm=0.5, pr=0.4)", "share of inputs that are [MASK] (pm=..., pr=...)"),
    ("bert_mask_tokens(ids, special, 8, mlm_probability=0.0)", "bert_mask_tokens(..., mlm_probability=...)"),
    ("f(x[0, 1], p=g(3, q=2))", "f(..., p=...)"),                                      # nested: the outer names only
    ("grads['emb'][3, 1]", "grads['emb'][...]"),                                       # a key stays, an index does not
    ("labels[:, 0] = -100", "labels[...] = N"),
])
def test_summaries_keep_the_names_a_statement_gives(name, shown):
    """Keyword names, string keys and token names are the statement's words, never inputs: a summary keeps them,
    and still shows no value (the leak rule above finds none)."""
    assert public_name(name) == shown
    assert leaked_input(f"wrong values: {shown} differs at 3 positions") is None
