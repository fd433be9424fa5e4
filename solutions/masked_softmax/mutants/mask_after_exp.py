"""Mistake: subtracts the maximum over ALL entries (blocked ones included) and multiplies by the mask after exp.

When a blocked score is far above the allowed ones (or is inf/nan), every allowed term underflows to 0 (or is
poisoned by NaN), so the row comes out as zeros or NaN instead of a distribution.
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
        top = np.max(scores, axis=axis, keepdims=True, initial=-np.inf)
        e = np.exp(scores - top) * allowed
        total = e.sum(axis=axis, keepdims=True)
        return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
