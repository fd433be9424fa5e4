"""Public tests for electra_inputs: run them with `judge test electra_inputs`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence

IDS = np.array([[2, 5, 6, 7, 3], [2, 8, 3, 0, 0]])
MASKED = np.array([[0, 1, 0, 1, 0], [0, 1, 0, 0, 0]], dtype=bool)
SAMPLES = np.array([[77, 5, 77, 9, 77], [77, 4, 77, 77, 77]])
ATTENTION = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """The statement's batch: a sample equal to the original (5 at row 0, position 1) is labelled 0."""
    got = expect_sequence(sol.electra_inputs(IDS, MASKED, SAMPLES, ATTENTION), 2, name="electra_inputs")
    expect_array(got[0], np.array([[2, 5, 6, 9, 3], [2, 4, 3, 0, 0]]), name="discriminator_inputs")
    expect_array(got[1], np.array([[0, 0, 0, 1, 0], [0, 1, 0, -100, -100]]), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_nothing_masked(sol):
    """Nothing masked: the inputs are unchanged and every real label is 0."""
    got = expect_sequence(sol.electra_inputs(IDS, np.zeros_like(MASKED), SAMPLES, ATTENTION), 2,
                          name="electra_inputs")
    expect_array(got[0], IDS.astype(np.int64), name="discriminator_inputs")
    expect_array(got[1], np.where(ATTENTION == 1, 0, -100), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_shape_mismatch(sol):
    """An attention_mask of another shape raises ValueError naming attention_mask."""
    expect_raises(ValueError, sol.electra_inputs, IDS, MASKED, SAMPLES, ATTENTION[:, :4], match="attention_mask")
