"""Public tests for pack_documents: run them with `judge test pack_documents`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence


def check(got, ids, pos, labels, call):
    got_ids, got_pos, got_labels = expect_sequence(got, 3, name=call)
    expect_array(got_ids, np.array(ids, dtype=np.int64), name=f"input_ids of {call}")
    expect_array(got_pos, np.array(pos, dtype=np.int64), name=f"position_ids of {call}")
    expect_array(got_labels, np.array(labels, dtype=np.int64), name=f"labels of {call}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's first example: two rows, positions restart, -100 at each document's first token."""
    check(sol.pack_documents([[11, 12, 13], [21, 22], [31, 32, 33, 34]], 5, 0),
          [[11, 12, 13, 21, 22], [31, 32, 33, 34, 0]],
          [[0, 1, 2, 0, 1], [0, 1, 2, 3, 0]],
          [[-100, 12, 13, -100, 22], [-100, 32, 33, 34, -100]],
          "pack_documents([[11, 12, 13], [21, 22], [31, 32, 33, 34]], 5, 0)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_statement_long_document(sol):
    """The statement's second example: a long document split into pieces of max_len."""
    check(sol.pack_documents([[1, 2, 3, 4, 5, 6, 7], [8, 9]], 3, 0),
          [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
          [[0, 1, 2], [0, 1, 2], [0, 0, 1]],
          [[-100, 2, 3], [-100, 5, 6], [-100, -100, 9]],
          "pack_documents([[1, 2, 3, 4, 5, 6, 7], [8, 9]], 3, 0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_max_len_zero_raises(sol):
    """max_len 0 raises ValueError naming max_len."""
    expect_raises(ValueError, sol.pack_documents, [[1, 2]], 0, 0, match="max_len")
