"""Pooling a sequence for classification. Read the statement with `judge show sequence_pooling`."""

import numpy as np


def sequence_pooling(hidden_states: np.ndarray, attention_mask: np.ndarray, method: str) -> np.ndarray:
    """One float64 vector (B, D) per sequence: method "first" (position 0), "mean" (over real tokens, zeros for a
    row without one) or "last" (the rightmost real token, position 0 for a row without one).

    attention_mask is 1 / True at real tokens. Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("sequence_pooling is not implemented yet")
