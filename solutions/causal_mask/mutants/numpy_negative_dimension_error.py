"""Mistake: no own check; relies on NumPy's 'negative dimensions are not allowed', which does not name seq_len.

Feedback: "its message should name 'seq_len'"
"""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
