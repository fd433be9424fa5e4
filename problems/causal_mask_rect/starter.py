"""Rectangular causal mask. Read the statement with `judge show causal_mask_rect`."""

import numpy as np


def causal_mask_rect(q_len: int, k_len: int, align: str = "bottom_right") -> np.ndarray:
    """Boolean (q_len, k_len) causal mask, True where query i may attend key j.

    align="top_left": allowed iff j <= i. align="bottom_right": allowed iff j <= i + (k_len - q_len).
    Raises ValueError naming q_len / k_len when negative, naming align when it is not one of the two.
    """
    raise NotImplementedError("causal_mask_rect is not implemented yet")
