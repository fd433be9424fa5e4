"""Masked-LM loss and accuracy. Read the statement with `judge show masked_lm_metrics`."""

import numpy as np


def masked_lm_metrics(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float, int]:
    """(loss, accuracy, num_predictions) over the positions whose label is not -100 (no shift).

    logits (B, T, V), labels (B, T). loss: mean cross-entropy; accuracy: share of argmax == label (ties go to
    the lowest index); num_predictions: the number of scored positions. No scored position: (nan, nan, 0).
    Raises ValueError naming logits or labels for invalid arguments.
    """
    raise NotImplementedError("masked_lm_metrics is not implemented yet")
