"""Mistake: computes in float32 (np.float32(-np.inf) fill, astype(np.float32)) and returns float32 for float16
scores instead of keeping their dtype."""

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
    work = scores.astype(np.float32) if scores.dtype == np.float16 else scores
    safe = np.where(allowed, work, np.array(-np.inf, dtype=work.dtype))
    top = np.max(safe, axis=axis, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))
    e = np.exp(safe - top)
    total = e.sum(axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
