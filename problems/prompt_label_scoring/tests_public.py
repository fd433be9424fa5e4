"""Public tests of prompt_label_scoring: learners run them with `judge test prompt_label_scoring` and see full
feedback."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises, expect_sequence


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_cloze(sol):
    """The statement's cloze example: a softmax over the two verbalizer logits."""
    mask_logits = np.array([[2.0, -1.0, 1.0, 0.5, 0.0], [0.0, 3.0, 4.0, 0.0, 1.0]])
    first = 1 / (1 + math.exp(1.0))  # logits 1.0 ("great", id 2) and 2.0 ("terrible", id 0)
    second = 1 / (1 + math.exp(-4.0))
    expect_allclose(sol.cloze_label_probs(mask_logits, np.array([2, 0])),
                    np.array([[first, 1 - first], [second, 1 - second]]), rtol=1e-12, atol=0,
                    name="cloze_label_probs(mask_logits, [2, 0])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_causal(sol):
    """The statement's causal example: log 1/2 and log 1/6, renormalized to 0.75 and 0.25."""
    logits = np.zeros((2, 4, 3))
    logits[:, 1, 2] = np.log(2.0)
    ids = np.array([[0, 1, 2, 0], [0, 1, 2, 1]])
    got = expect_sequence(sol.causal_label_probs(logits, ids, 2, np.array([1, 2])), 2,
                          name="causal_label_probs(logits, ids, 2, [1, 2])")
    expect_allclose(got[0], np.array([math.log(1 / 2), math.log(1 / 6)]), rtol=1e-12, atol=0,
                    name="scores of causal_label_probs(logits, ids, 2, [1, 2])")
    expect_allclose(got[1], np.array([0.75, 0.25]), rtol=1e-12, atol=0,
                    name="probs of causal_label_probs(logits, ids, 2, [1, 2])")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_calibration(sol):
    """The statement's calibration example: p_cf = [0.75, 0.25] divided out."""
    got = sol.contextual_calibration(np.array([[0.7, 0.3], [0.9, 0.1], [0.5, 0.5]]),
                                     np.array([[0.5, 0.1], [0.1, 0.1]]))
    expect_allclose(got, np.array([[0.4375, 0.5625], [0.75, 0.25], [0.25, 0.75]]), rtol=1e-12, atol=0,
                    name="contextual_calibration of the statement's example")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_duplicate_verbalizer(sol):
    """Two labels with the same word raise ValueError naming verbalizer."""
    expect_raises(ValueError, sol.cloze_label_probs, np.zeros((2, 5)), np.array([1, 1]), match="verbalizer")
