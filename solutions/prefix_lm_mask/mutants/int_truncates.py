"""Mistake: a scalar prefix_len goes through int(), so 2.0 (or 2.7) is silently accepted."""

import numpy as np


def prefix_lm_mask(seq_len: int, prefix_len) -> np.ndarray:
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    p = np.asarray(prefix_len)
    if p.ndim == 0:
        p = np.asarray(int(prefix_len))
    if p.dtype.kind not in "iu" or p.ndim > 1:
        raise ValueError(f"prefix_len must be an integer or a 1-D integer array, got {p.dtype} of shape {p.shape}")
    if ((p < 0) | (p > seq_len)).any():
        raise ValueError(f"prefix_len values must lie in [0, {seq_len}], got {prefix_len}")
    i = np.arange(seq_len)[:, None]
    j = np.arange(seq_len)[None, :]
    return (j < p[..., None, None]) | (j <= i)
