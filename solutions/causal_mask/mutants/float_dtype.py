"""Mistake: returns the float64 array from np.tril(np.ones(...)) instead of a bool mask.

Feedback: "should have dtype bool, got float64"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.tril(np.ones((seq_len, seq_len)))
