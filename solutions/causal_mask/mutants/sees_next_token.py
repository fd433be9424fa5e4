"""Mistake: np.tril(..., k=1), so every token also sees the next one (the target it must predict).

Feedback: "first at index (0, 1): expected False, got True"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.tril(np.ones((seq_len, seq_len), dtype=bool), k=1)
