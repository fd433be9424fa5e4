"""Public tests for left_pad_batch: run them with `judge test left_pad_batch`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_sequence


def check(got, ids, mask, pos, call):
    got_ids, got_mask, got_pos = expect_sequence(got, 3, name=call)
    expect_array(got_ids, np.array(ids, dtype=np.int64).reshape(len(ids), -1), name=f"input_ids of {call}")
    expect_array(got_mask, np.array(mask, dtype=np.int64).reshape(len(ids), -1), name=f"attention_mask of {call}")
    expect_array(got_pos, np.array(pos, dtype=np.int64).reshape(len(ids), -1), name=f"position_ids of {call}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's example: right-aligned rows, a real EOS equal to pad_id keeps mask 1."""
    check(sol.left_pad_batch([[15, 16, 17], [21], [], [31, 50256]], 50256),
          [[15, 16, 17], [50256, 50256, 21], [50256, 50256, 50256], [50256, 31, 50256]],
          [[1, 1, 1], [0, 0, 1], [0, 0, 0], [0, 1, 1]],
          [[0, 1, 2], [0, 0, 0], [0, 0, 0], [0, 0, 1]],
          "left_pad_batch([[15, 16, 17], [21], [], [31, 50256]], 50256)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_list(sol):
    """An empty list gives three arrays of shape (0, 0)."""
    got = expect_sequence(sol.left_pad_batch([], 0), 3, name="left_pad_batch([], 0)")
    for g, part in zip(got, ("input_ids", "attention_mask", "position_ids"), strict=True):
        expect_array(g, np.zeros((0, 0), dtype=np.int64), name=f"{part} of left_pad_batch([], 0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_equal_lengths(sol):
    """Sequences of equal length need no padding."""
    check(sol.left_pad_batch([[1, 2], [3, 4]], 0), [[1, 2], [3, 4]], [[1, 1], [1, 1]], [[0, 1], [0, 1]],
          "left_pad_batch([[1, 2], [3, 4]], 0)")
