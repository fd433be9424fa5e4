"""Mistake: computes the attention in float64 (q_new.astype(np.float64)) and never casts out back, so float32
inputs give a float64 out (the caches keep their dtype).
"""

import math

import numpy as np


def kv_cache_attention(q_new, k_new, v_new, k_cache, v_cache):
    q_new, k_new, v_new = np.asarray(q_new), np.asarray(k_new), np.asarray(v_new)
    k_cache, v_cache = np.asarray(k_cache), np.asarray(v_cache)
    if q_new.ndim != 4 or q_new.dtype.kind != "f":
        raise ValueError(f"q_new must be a float array (B, H, L_new, d), got {q_new.dtype} {q_new.shape}")
    if k_new.shape != q_new.shape:
        raise ValueError(f"k_new must have the shape of q_new {q_new.shape}, got {k_new.shape}")
    if v_new.shape != q_new.shape:
        raise ValueError(f"v_new must have the shape of q_new {q_new.shape}, got {v_new.shape}")
    b, h, l_new, d = q_new.shape
    if k_cache.ndim != 4 or k_cache.shape[:2] != (b, h) or k_cache.shape[3] != d:
        raise ValueError(f"k_cache must have shape ({b}, {h}, L_past, {d}), got {k_cache.shape}")
    if v_cache.shape != k_cache.shape:
        raise ValueError(f"v_cache must have the shape of k_cache {k_cache.shape}, got {v_cache.shape}")
    l_past = k_cache.shape[2]
    keys = np.concatenate([k_cache, k_new], axis=2)      # (B, H, L_past + L_new, d)
    values = np.concatenate([v_cache, v_new], axis=2)
    # Bottom-right alignment: new query i sits at absolute position L_past + i and sees keys 0..L_past + i.
    allowed = np.tril(np.ones((l_new, l_past + l_new), dtype=bool), k=l_past)
    scores = (q_new.astype(np.float64) @ np.swapaxes(keys, -1, -2)) / math.sqrt(d)
    scores = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    scores = scores - scores.max(axis=-1, keepdims=True, initial=-np.inf)
    weights = np.exp(scores)                              # every row sees at least its own key: no empty rows
    weights /= weights.sum(axis=-1, keepdims=True)
    out = weights @ values
    return out, keys, values
