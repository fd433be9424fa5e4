"""Mistake: a window larger than seq_len is rejected instead of giving the causal mask."""

import numpy as np


def sliding_window_mask(seq_len: int, window: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    if window < 1 or window > seq_len:
        raise ValueError(f"window must be >= 1, got {window}")
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    d = i - j
    return (d >= 0) & (d < window)
