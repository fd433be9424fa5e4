"""Public tests for greedy_decode: run them with `judge test greedy_decode`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

TABLE = np.array(
    [
        [0.0, 2.0, 1.0, 2.0, 0.0],
        [0.0, 0.0, 3.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 3.0, 1.0],
        [1.0, 0.0, 0.0, 0.0, 2.0],
        [0.0, 5.0, 0.0, 0.0, 0.0],
    ]
)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The 3-row example of the statement (tie, eos then padding, eos inside the prompt)."""
    prompt = np.array([[3, 0], [2, 3], [4, 4]])
    expected = np.array([[3, 0, 1, 2, 3, 4], [2, 3, 4, 0, 0, 0], [4, 4, 1, 2, 3, 4]], dtype=np.int64)
    expect_array(sol.greedy_decode(TABLE, prompt, 4, 4, 0), expected,
                 name="greedy_decode(table, prompt, 4, 4, 0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_new_tokens(sol):
    """max_new_tokens 0 returns the prompt as int64."""
    expect_array(sol.greedy_decode(TABLE, np.array([[1, 2]]), 0, 4, 0), np.array([[1, 2]], dtype=np.int64),
                 name="greedy_decode(table, [[1, 2]], 0, 4, 0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_one_row_no_eos(sol):
    """A single row that never reaches eos (eos_id 0 is never the argmax here)."""
    got = sol.greedy_decode(TABLE, np.array([[1]]), 5, 0, 9)
    expect_array(got, np.array([[1, 2, 3, 4, 1, 2]], dtype=np.int64),
                 name="greedy_decode(table, [[1]], 5, 0, 9)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_max_new_tokens(sol):
    """A negative max_new_tokens raises ValueError naming max_new_tokens."""
    expect_raises(ValueError, sol.greedy_decode, TABLE, np.array([[1]]), -1, 4, 0, match="max_new_tokens")
