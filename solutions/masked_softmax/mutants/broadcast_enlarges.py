"""Mistake: broadcasts scores and allowed together (np.broadcast_arrays) without checking that the result keeps
the shape of scores, so a larger mask silently enlarges the output instead of raising ValueError."""

import numpy as np


def masked_softmax(scores, allowed, axis=-1):
    scores = np.asarray(scores)
    allowed = np.asarray(allowed)
    if scores.dtype.kind != "f":
        raise ValueError(f"scores must have a floating dtype, got {scores.dtype}")
    if allowed.dtype != np.bool_:
        raise ValueError(f"allowed must be a bool array, got dtype {allowed.dtype}")
    try:
        scores, allowed = np.broadcast_arrays(scores, allowed)
    except ValueError:
        raise ValueError("allowed does not broadcast to scores") from None
    safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    top = np.max(safe, axis=axis, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))
    e = np.exp(safe - top)
    total = e.sum(axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
