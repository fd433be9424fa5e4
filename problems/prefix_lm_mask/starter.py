"""Prefix-LM mask. Read the statement with `judge show prefix_lm_mask`."""

import numpy as np


def prefix_lm_mask(seq_len: int, prefix_len) -> np.ndarray:
    """Bool mask, True iff j < prefix_len or j <= i.

    prefix_len is an integer (result (seq_len, seq_len)) or a 1-D integer array of shape (B,) (result
    (B, seq_len, seq_len)). Raises ValueError naming seq_len when it is negative, naming prefix_len when a
    value lies outside [0, seq_len] or its shape or dtype is not one of those.
    """
    raise NotImplementedError("prefix_lm_mask is not implemented yet")
