"""Reference solution for cross_entropy_backward."""

import numpy as np


def cross_entropy_backward(logits, targets, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if logits.ndim < 1 or logits.shape[-1] < 1:
        raise ValueError(f"logits must have shape (..., C) with C >= 1, got {logits.shape}")
    if targets.shape != logits.shape[:-1] or targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be integers of shape {logits.shape[:-1]}, got {targets.dtype} {targets.shape}")
    num_classes = logits.shape[-1]
    z = logits.reshape(-1, num_classes)
    y = targets.reshape(-1).astype(np.int64)
    valid = y != ignore_index
    if np.any(valid & ((y < 0) | (y >= num_classes))):
        raise ValueError(f"targets must be in [0, {num_classes}) or equal to ignore_index")

    m = np.max(z, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(z - m)
    with np.errstate(invalid="ignore"):
        probs = e / e.sum(axis=-1, keepdims=True)
    q = np.full(z.shape, label_smoothing / num_classes)
    rows = np.flatnonzero(valid)
    q[rows, y[rows]] += 1.0 - label_smoothing
    grad = np.where(valid[:, None], probs - q, 0.0)
    count = int(valid.sum())
    if reduction == "mean" and count:
        grad = grad / count
    return grad.reshape(logits.shape)
