"""Mistake: accepts only float32 and float64 scores (dtype in (float32, float64)), so float16 scores, which the
statement allows, raise ValueError."""

import numpy as np


def masked_softmax(scores, allowed, axis=-1):
    scores = np.asarray(scores)
    allowed = np.asarray(allowed)
    if scores.dtype not in (np.float32, np.float64):
        raise ValueError(f"scores must be float32 or float64, got {scores.dtype}")
    if allowed.dtype != np.bool_:
        raise ValueError(f"allowed must be a bool array, got dtype {allowed.dtype}")
    try:
        shape = np.broadcast_shapes(scores.shape, allowed.shape)
    except ValueError:
        shape = None
    if shape != scores.shape:
        raise ValueError(f"allowed of shape {allowed.shape} does not broadcast to scores of shape {scores.shape}")
    if not -scores.ndim <= axis < scores.ndim:
        raise ValueError(f"axis {axis} is out of range for scores with {scores.ndim} dimensions")
    allowed = np.broadcast_to(allowed, scores.shape)
    safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    top = np.max(safe, axis=axis, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))
    e = np.exp(safe - top)
    total = e.sum(axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
