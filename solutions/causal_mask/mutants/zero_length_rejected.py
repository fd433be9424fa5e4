"""Mistake: seq_len 0 is rejected together with the negative lengths (`<= 0` instead of `< 0`).

Feedback: "seq_len must be positive, got 0"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len <= 0:
        raise ValueError(f"seq_len must be positive, got {seq_len}")
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
