"""Mistake: no check of seq_len; a negative length silently gives an empty mask.

Feedback: "should raise ValueError, but it returned normally"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    n = max(seq_len, 0)
    return np.tril(np.ones((n, n), dtype=bool))
