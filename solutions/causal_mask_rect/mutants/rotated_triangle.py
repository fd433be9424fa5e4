"""Mistake: "anchored at the bottom-right corner" read as the top-left triangle rotated by 180 degrees.

np.flip(tril, axis=(0, 1)) puts the triangle's right angle in the bottom-right corner, but each query then
sees its future keys (for a square mask it is np.triu: the exact opposite of causal).
"""

import numpy as np


def causal_mask_rect(q_len: int, k_len: int, align: str = "bottom_right") -> np.ndarray:
    if q_len < 0:
        raise ValueError(f"q_len must be >= 0, got {q_len}")
    if k_len < 0:
        raise ValueError(f"k_len must be >= 0, got {k_len}")
    top_left = np.tril(np.ones((q_len, k_len), dtype=bool))
    if align == "top_left":
        return top_left
    if align == "bottom_right":
        return np.flip(top_left, axis=(0, 1)).copy()
    raise ValueError(f"align must be 'top_left' or 'bottom_right', got {align!r}")
