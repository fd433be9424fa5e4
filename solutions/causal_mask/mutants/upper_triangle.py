"""Mistake: transposed mask, each position attends to itself and the future.

Feedback: "first at index (0, 1): expected False, got True"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.triu(np.ones((seq_len, seq_len), dtype=bool))
