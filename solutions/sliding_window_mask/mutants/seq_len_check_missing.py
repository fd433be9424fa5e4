"""Mistake: no check of seq_len; np.arange(-1) is empty, so a negative length returns a (0, 0) mask."""

import numpy as np


def sliding_window_mask(seq_len: int, window: int) -> np.ndarray:
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    d = i - j
    return (d >= 0) & (d < window)
