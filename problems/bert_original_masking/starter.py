"""Original BERT masking. Read the statement with `judge show bert_original_masking`."""

import numpy as np


def choose_mask_positions(special_tokens_mask: np.ndarray, *, masked_lm_prob: float, max_predictions: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Sorted int64 positions: K = min(max_predictions, max(1, round(T * masked_lm_prob))) non-special positions,
    chosen uniformly without replacement (all of them when there are fewer than K). T counts every token."""
    raise NotImplementedError("choose_mask_positions is not implemented yet")


def to_sparse_labels(labels: np.ndarray, max_predictions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions int64, label_ids int64, weights float64), each of length max_predictions, zero-padded.

    Raises ValueError naming max_predictions when more than max_predictions labels are not -100.
    """
    raise NotImplementedError("to_sparse_labels is not implemented yet")


def from_sparse_labels(positions: np.ndarray, label_ids: np.ndarray, weights: np.ndarray,
                       seq_len: int) -> np.ndarray:
    """int64 labels of length seq_len: label_ids at the positions whose weight is nonzero, -100 elsewhere."""
    raise NotImplementedError("from_sparse_labels is not implemented yet")
