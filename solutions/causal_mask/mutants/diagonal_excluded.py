"""Mistake: strict lower triangle, so a token cannot attend to itself.

Feedback: "first at index (0, 0): expected True, got False"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.tril(np.ones((seq_len, seq_len), dtype=bool), k=-1)
