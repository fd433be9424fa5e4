"""Mistake: old BERT-style additive mask, scores + (1 - allowed) * -10000.0, then a plain stable softmax.

Blocked entries keep a small weight, a blocked score of 1e4 competes with the allowed ones, and a fully masked
row becomes a uniform distribution instead of zeros.
"""

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
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = scores + (1.0 - allowed.astype(scores.dtype)) * np.array(-10000.0, dtype=scores.dtype)
        top = np.max(shifted, axis=axis, keepdims=True, initial=-np.inf)
        top = np.where(np.isfinite(top), top, np.zeros_like(top))
        e = np.exp(shifted - top)
        total = e.sum(axis=axis, keepdims=True)
        return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
