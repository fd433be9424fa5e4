"""Reference solution for cross_entropy_backward."""

import numpy as np


def cross_entropy_backward(logits, targets, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if logits.ndim < 1 or targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets must have shape {logits.shape[:-1]}, got {targets.shape}")
    if targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be integers, got dtype {targets.dtype}")
    num_classes = logits.shape[-1]
    valid = targets != ignore_index
    if np.any(valid & ((targets < 0) | (targets >= num_classes))):
        raise ValueError(f"targets must be in [0, {num_classes}) or ignore_index")

    m = np.max(logits, axis=-1, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(logits - m)
    probs = e / e.sum(axis=-1, keepdims=True)
    q = np.full(logits.shape, label_smoothing / num_classes)
    rows = np.nonzero(valid)
    q[rows + (targets[valid],)] += 1.0 - label_smoothing
    grad = np.where(valid[..., None], probs - q, 0.0)
    if reduction == "mean":
        count = int(valid.sum())
        if count:
            grad = grad / count
    return grad
