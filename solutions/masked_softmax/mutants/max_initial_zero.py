"""Mistake: np.max(..., initial=0.0) to survive empty rows, so the shift is never below 0: a row whose allowed
scores are all very negative (e.g. -1e5) underflows to exp(...) = 0 and comes out as zeros."""

import numpy as np


def _check(scores, allowed, axis):
    scores = np.asarray(scores)
    allowed = np.asarray(allowed)
    if scores.dtype.kind != "f":
        raise ValueError(f"scores must have a floating dtype, got {scores.dtype}")
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
    return scores, np.broadcast_to(allowed, scores.shape)


def masked_softmax(scores, allowed, axis=-1):
    scores, allowed = _check(scores, allowed, axis)
    safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    top = np.max(safe, axis=axis, keepdims=True, initial=0.0)
    e = np.exp(safe - top)
    total = e.sum(axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
