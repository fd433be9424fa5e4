"""Public tests for group_texts: run them with `judge test group_texts`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises

DOCS = [[11, 12, 13], [21, 22], [31, 32, 33, 34]]


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_no_eos(sol):
    """The statement's example without eos_id: 9 tokens, 2 blocks of 4, 1 token dropped."""
    expected = np.array([[11, 12, 13, 21], [22, 31, 32, 33]], dtype=np.int64)
    expect_array(sol.group_texts(DOCS, 4), expected, name="group_texts(docs, 4)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_with_eos(sol):
    """The statement's example with eos_id=0 after every document."""
    expected = np.array([[11, 12, 13, 0], [21, 22, 0, 31], [32, 33, 34, 0]], dtype=np.int64)
    expect_array(sol.group_texts(DOCS, 4, eos_id=0), expected, name="group_texts(docs, 4, eos_id=0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_statement_too_short(sol):
    """Fewer tokens than block_size: shape (0, block_size)."""
    expect_array(sol.group_texts([[1, 2]], 4, eos_id=0), np.zeros((0, 4), dtype=np.int64),
                 name="group_texts([[1, 2]], 4, eos_id=0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_block_size_zero_raises(sol):
    """block_size 0 raises ValueError naming block_size."""
    expect_raises(ValueError, sol.group_texts, DOCS, 0, match="block_size")
