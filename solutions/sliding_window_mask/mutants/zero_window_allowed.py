"""Mistake: the window check is `window < 0`, so window 0 silently gives an all-False mask."""

import numpy as np


def sliding_window_mask(seq_len: int, window: int) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    if window < 0:
        raise ValueError(f"window must be >= 1, got {window}")
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    d = i - j
    return (d >= 0) & (d < window)
