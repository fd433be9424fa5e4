"""Public tests for prefix_lm_batch: run them with `judge test prefix_lm_batch`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_sequence


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The two-pair example of the statement (ids, mask, labels)."""
    got = expect_sequence(sol.prefix_lm_batch([([5, 6, 7], [8, 9]), ([11], [12, 13])], pad_id=0), 3,
                          name="prefix_lm_batch(pairs, pad_id=0)")
    expect_array(got[0], np.array([[5, 6, 7, 8, 9], [11, 12, 13, 0, 0]], dtype=np.int64), name="input_ids")
    allowed = np.array(
        [
            [[1, 1, 1, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1]],
            [[1, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
        ],
        dtype=bool,
    )
    expect_array(got[1], allowed, name="allowed")
    expect_array(got[2], np.array([[-100, -100, -100, 8, 9], [-100, 12, 13, -100, -100]], dtype=np.int64),
                 name="labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_prefix_is_causal(sol):
    """An empty prefix gives the causal mask and labels on every token."""
    got = expect_sequence(sol.prefix_lm_batch([([], [4, 5, 6, 7])], pad_id=0), 3,
                          name="prefix_lm_batch([([], [4, 5, 6, 7])], pad_id=0)")
    expect_array(got[1], np.tril(np.ones((1, 4, 4), dtype=bool)), name="allowed")
    expect_array(got[2], np.array([[4, 5, 6, 7]], dtype=np.int64), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_target_is_bidirectional(sol):
    """An empty target gives the full mask over the row and no label."""
    got = expect_sequence(sol.prefix_lm_batch([([4, 5, 6], [])], pad_id=0), 3,
                          name="prefix_lm_batch([([4, 5, 6], [])], pad_id=0)")
    expect_array(got[1], np.ones((1, 3, 3), dtype=bool), name="allowed")
    expect_array(got[2], np.full((1, 3), -100, dtype=np.int64), name="labels")
