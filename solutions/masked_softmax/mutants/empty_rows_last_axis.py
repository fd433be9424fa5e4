"""Mistake: the softmax follows axis, but the 'row has nothing allowed' test is hard-coded to the last axis
(allowed.any(axis=-1)), so with another axis a fully blocked slice along axis comes out as NaN."""

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
    with np.errstate(invalid="ignore"):
        safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
        top = np.max(safe, axis=axis, keepdims=True, initial=-np.inf)
        e = np.exp(safe - top)
        out = e / e.sum(axis=axis, keepdims=True)
    return np.where(allowed.any(axis=-1, keepdims=True), out, np.zeros_like(out))
