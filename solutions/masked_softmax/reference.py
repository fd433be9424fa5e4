"""Reference solution for masked_softmax."""

import numpy as np


def masked_softmax(scores: np.ndarray, allowed: np.ndarray, axis: int = -1) -> np.ndarray:
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
    allowed = np.broadcast_to(allowed, scores.shape)
    # Blocked entries are ignored whatever they hold (even inf or nan): replace them before any arithmetic.
    safe = np.where(allowed, scores, np.array(-np.inf, dtype=scores.dtype))
    top = np.max(safe, axis=axis, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))  # a row with nothing allowed: any shift works
    e = np.exp(safe - top)  # exp(-inf) = 0 exactly at blocked entries
    total = e.sum(axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)
