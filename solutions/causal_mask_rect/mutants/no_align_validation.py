"""Mistake: any align other than "top_left" silently means bottom_right instead of raising ValueError."""

import numpy as np


def causal_mask_rect(q_len: int, k_len: int, align: str = "bottom_right") -> np.ndarray:
    if q_len < 0:
        raise ValueError(f"q_len must be >= 0, got {q_len}")
    if k_len < 0:
        raise ValueError(f"k_len must be >= 0, got {k_len}")
    offset = 0 if align == "top_left" else k_len - q_len
    return np.tril(np.ones((q_len, k_len), dtype=bool), k=offset)
