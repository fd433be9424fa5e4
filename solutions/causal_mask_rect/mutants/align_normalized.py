"""Mistake: align is lower-cased and "-" replaced by "_" before the check."""

import numpy as np


def causal_mask_rect(q_len: int, k_len: int, align: str = "bottom_right") -> np.ndarray:
    if q_len < 0:
        raise ValueError(f"q_len must be >= 0, got {q_len}")
    if k_len < 0:
        raise ValueError(f"k_len must be >= 0, got {k_len}")
    align = align.lower().replace("-", "_")
    if align == "top_left":
        offset = 0
    elif align == "bottom_right":
        offset = k_len - q_len
    else:
        raise ValueError(f"align must be 'top_left' or 'bottom_right', got {align!r}")
    return np.tril(np.ones((q_len, k_len), dtype=bool), k=offset)
