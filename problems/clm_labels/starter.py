"""Causal-LM labels and the shift. Read the statement with `judge show clm_labels`."""

import numpy as np


def clm_labels(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """int64 (B, T) copy of input_ids with -100 wherever attention_mask is 0.

    Raises ValueError naming input_ids (not 2-D) or attention_mask (other shape, or a value other than 0/1).
    """
    raise NotImplementedError("clm_labels is not implemented yet")


def shift_labels(labels: np.ndarray) -> np.ndarray:
    """int64 (B, T): labels[:, 1:] followed by one column of -100 (the target of position t).

    Raises ValueError naming labels when labels is not 2-D.
    """
    raise NotImplementedError("shift_labels is not implemented yet")
