"""Mistake: computes in float64 (q.astype(np.float64)) and returns float64 for float32 inputs.
"""

import math

import numpy as np


def _masked_softmax(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Softmax over the last axis restricted to allowed entries; rows with nothing allowed are 0."""
    safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    top = np.max(safe, axis=-1, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))
    e = np.exp(safe - top)
    total = e.sum(axis=-1, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def scaled_dot_product_attention(q, k, v, allowed=None, is_causal=False, scale=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    for name, arr in (("q", q), ("k", k), ("v", v)):
        if arr.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., L, d), got shape {arr.shape}")
    if q.dtype.kind != "f":
        raise ValueError(f"q must have a floating dtype, got {q.dtype}")
    if k.shape[-1] != q.shape[-1]:
        raise ValueError(f"k has feature size {k.shape[-1]}, q has {q.shape[-1]}; they must be equal")
    if v.shape[-2] != k.shape[-2]:
        raise ValueError(f"v has {v.shape[-2]} positions, k has {k.shape[-2]}; they must be equal")
    if allowed is not None and is_causal:
        raise ValueError("pass either allowed or is_causal=True, not both")
    try:
        batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"leading dims of q {q.shape}, k {k.shape} and v {v.shape} do not broadcast"
        ) from None
    lq, lk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    score_shape = batch + (lq, lk)
    if is_causal:
        allowed = np.tril(np.ones((lq, lk), dtype=bool))  # top-left: allowed iff j <= i
    elif allowed is None:
        allowed = np.ones((lq, lk), dtype=bool)
    else:
        allowed = np.asarray(allowed)
        if allowed.dtype != np.bool_:
            raise ValueError(f"allowed must be a bool array, got dtype {allowed.dtype}")
        try:
            ok = np.broadcast_shapes(allowed.shape, score_shape) == score_shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"allowed of shape {allowed.shape} does not broadcast to scores {score_shape}")
    factor = 1.0 / math.sqrt(d) if scale is None else float(scale)
    scores = np.matmul(q.astype(np.float64), np.swapaxes(k, -1, -2)) * factor
    scores = np.broadcast_to(scores, score_shape)
    weights = _masked_softmax(scores, np.broadcast_to(allowed, score_shape))
    out = np.matmul(weights, v)
    return np.broadcast_to(out, batch + (lq, v.shape[-1])).copy()
