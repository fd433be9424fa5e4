"""Mistake: nn.MultiheadAttention polarity, True where attention is blocked.

Feedback: "differs at 16 of 16 positions"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.triu(np.ones((seq_len, seq_len), dtype=bool), k=1)
