"""Public tests of qa_span_selection: learners run them with `judge test qa_span_selection` and see full feedback."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_int, expect_raises, expect_sequence

CTX = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0], dtype=bool)
S = np.array([2.0, 0.5, 3.0, 0.0, 1.0, 2.5, -1.0, 0.5, 0.0])
E = np.array([1.5, 0.0, 1.0, 0.0, -1.0, 0.5, 2.0, 1.0, 4.0])


def check(got, answer, spans, scores, name):
    got = expect_sequence(got, 4, name=name)
    expect_int(got[0], answer[0], name=f"start of {name}")
    expect_int(got[1], answer[1], name=f"end of {name}")
    expect_array(got[2], np.array(spans, dtype=np.int64).reshape(-1, 2), name=f"spans of {name}")
    expect_allclose(got[3], np.array(scores, dtype=np.float64), rtol=1e-12, atol=0, name=f"scores of {name}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n_best,threshold,answer,spans,scores", [
    (4, None, (5, 6), [[5, 6], [4, 6]], [4.5, 3.0]),
    (5, None, (5, 6), [[5, 6], [5, 7], [4, 6]], [4.5, 3.5, 3.0]),
    (4, -1.0, (5, 6), [[5, 6], [4, 6]], [4.5, 3.0]),
    (4, -1.5, (0, 0), [[5, 6], [4, 6]], [4.5, 3.0]),
], ids=["n_best_4", "n_best_5", "threshold_at_equality", "threshold_below"])
def test_statement_example(sol, n_best, threshold, answer, spans, scores):
    """The statement's examples: top-n preselection, a tie, the length limit and the no-answer threshold."""
    check(sol.qa_span_selection(S, E, CTX, n_best, 3, threshold), answer, spans, scores,
          name=f"qa_span_selection(s, e, ctx, {n_best}, 3, {threshold})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_end_before_start_is_skipped(sol):
    """The highest end lies before the highest start (not a span); equal scores keep the generation order."""
    ctx = np.array([0, 1, 1, 1, 1], dtype=bool)
    s = np.array([0.0, 0.0, 1.0, 5.0, 0.0])
    e = np.array([0.0, 0.0, 6.0, 2.0, 1.0])
    # generated in order (3, 3) 7, (3, 4) 6, (2, 2) 7, (2, 3) 3, ...: the stable sort keeps (3, 3) before (2, 2)
    check(sol.qa_span_selection(s, e, ctx, 5, 4), (3, 3), [[3, 3], [2, 2], [3, 4], [1, 2], [2, 3]],
          [7.0, 7.0, 6.0, 6.0, 3.0], name="qa_span_selection(s, e, ctx, 5, 4)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_cls_in_context(sol):
    """context_mask True at position 0 ([CLS]) raises ValueError naming context_mask."""
    expect_raises(ValueError, sol.qa_span_selection, S, E, np.ones(9, dtype=bool), 4, 3, match="context_mask")
