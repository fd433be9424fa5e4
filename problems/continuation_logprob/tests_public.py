"""Public tests for continuation_logprob: run them with `judge test continuation_logprob`."""

import numpy as np
import pytest

from judge.checkers import expect_bool, expect_float, expect_raises, expect_sequence

LOGITS = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
E = np.e
SUM = (1 - np.log(1 + 2 * E)) + (3 - np.log(E + 1 + E**3))


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("ids, greedy", [([0, 1, 1, 2], True), ([0, 1, 2, 2], False)], ids=["greedy", "tie_not_lowest"])
def test_statement_examples(sol, ids, greedy):
    """The two 4-token examples of the statement (continuation_start 2)."""
    got = expect_sequence(sol.continuation_logprob(LOGITS, np.array(ids), 2), 2, name="continuation_logprob(...)")
    expect_float(got[0], SUM, rtol=1e-9, atol=1e-9, name=f"logprob of continuation_logprob(logits, {ids}, 2)")
    expect_bool(got[1], greedy, name=f"is_greedy of continuation_logprob(logits, {ids}, 2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_continuation(sol):
    """continuation_start == T gives (0.0, True)."""
    got = expect_sequence(sol.continuation_logprob(LOGITS, np.array([0, 1, 1, 2]), 4), 2,
                          name="continuation_logprob(logits, [0, 1, 1, 2], 4)")
    expect_float(got[0], 0.0, rtol=0, atol=0, name="logprob of an empty continuation")
    expect_bool(got[1], True, name="is_greedy of an empty continuation")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_whole_sequence(sol):
    """continuation_start 1 scores every token after the first."""
    got = expect_sequence(sol.continuation_logprob(LOGITS, np.array([0, 1, 1, 2]), 1), 2,
                          name="continuation_logprob(logits, [0, 1, 1, 2], 1)")
    expect_float(got[0], SUM - np.log(E**2 + 2), rtol=1e-9, atol=1e-9, name="logprob with continuation_start 1")
    expect_bool(got[1], False, name="is_greedy with continuation_start 1 (token 1 after position 0 is not the argmax)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_start_zero_raises(sol):
    """continuation_start 0 raises ValueError naming continuation_start."""
    expect_raises(ValueError, sol.continuation_logprob, LOGITS, np.array([0, 1, 1, 2]), 0, match="continuation_start")
