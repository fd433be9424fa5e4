"""Public tests for bert_original_masking: run them with `judge test bert_original_masking`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence

LABELS = np.array([-100, 7, -100, -100, 0, -100, 12, -100], dtype=np.int64)
POSITIONS = np.array([1, 4, 6, 0, 0], dtype=np.int64)
IDS = np.array([7, 0, 12, 0, 0], dtype=np.int64)
WEIGHTS = np.array([1.0, 1.0, 1.0, 0.0, 0.0])


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_count_statement_example(sol):
    """T = 10 with [CLS] and [SEP], masked_lm_prob 0.15: round(1.5) = 2 sorted non-special positions."""
    special = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], dtype=bool)
    got = sol.choose_mask_positions(special, masked_lm_prob=0.15, max_predictions=20, rng=np.random.default_rng(0))
    if not (isinstance(got, np.ndarray) and got.dtype == np.int64 and got.shape == (2,)):
        expect_array(got, np.zeros(2, dtype=np.int64),
                     name="choose_mask_positions(T=10 incl. [CLS]/[SEP], p=0.15; K = round(1.5) = 2)")
    assert 1 <= got[0] < got[1] <= 8, f"positions must be sorted, distinct and in 1..8 (not [CLS]/[SEP]), got {got}"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_to_sparse_statement_example(sol):
    """The statement's to_sparse_labels example (a label id 0 is a real prediction, weight 1.0)."""
    got = expect_sequence(sol.to_sparse_labels(LABELS, 5), 3, name="to_sparse_labels(labels, 5)")
    expect_array(got[0], POSITIONS, name="positions")
    expect_array(got[1], IDS, name="label_ids")
    expect_array(got[2], WEIGHTS, name="weights")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_from_sparse_statement_example(sol):
    """The statement's from_sparse_labels example: padding slots (weight 0.0) are ignored."""
    expect_array(sol.from_sparse_labels(POSITIONS, IDS, WEIGHTS, 8), LABELS,
                 name="from_sparse_labels(positions, label_ids, weights, 8)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_too_many_labels_raises(sol):
    """Three selected labels do not fit in max_predictions = 2: ValueError naming max_predictions."""
    expect_raises(ValueError, sol.to_sparse_labels, LABELS, 2, match="max_predictions")
