"""Sliding-window causal mask. Read the statement with `judge show sliding_window_mask`."""

import numpy as np


def sliding_window_mask(seq_len: int, window: int) -> np.ndarray:
    """Boolean (seq_len, seq_len) mask, True iff 0 <= i - j < window (the window counts the query itself).

    Raises ValueError naming seq_len when it is negative, naming window when window < 1.
    """
    raise NotImplementedError("sliding_window_mask is not implemented yet")
