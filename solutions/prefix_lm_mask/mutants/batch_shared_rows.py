"""Mistake: batched masks built as [base] * B and edited in place, so every slice gets the largest prefix."""

import numpy as np


def prefix_lm_mask(seq_len: int, prefix_len) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    p = np.asarray(prefix_len)
    if p.dtype.kind not in "iu" or p.ndim > 1:
        raise ValueError(f"prefix_len must be an integer or a 1-D integer array, got {p.dtype} of shape {p.shape}")
    if ((p < 0) | (p > seq_len)).any():
        raise ValueError(f"prefix_len values must lie in [0, {seq_len}], got {prefix_len}")
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    if p.ndim == 0:
        return (j < p) | (j <= i)
    base = j <= i
    out = [base] * len(p)
    for b, v in enumerate(p):
        out[b][:, :v] = True
    return np.stack(out) if len(p) else np.zeros((0, seq_len, seq_len), dtype=bool)
