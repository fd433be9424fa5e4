"""Mistake: computes in the logits' own dtype (np.asarray(logits)); float32 logits give a float32 gradient."""

import numpy as np


def cross_entropy_backward(logits, targets, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if targets.shape != logits.shape[:-1] or targets.dtype.kind not in "iu":
        raise ValueError("targets must be integers of shape logits.shape[:-1]")
    c = logits.shape[-1]
    z = logits.reshape(-1, c)
    y = targets.reshape(-1).astype(np.int64)
    valid = y != ignore_index
    if np.any(valid & ((y < 0) | (y >= c))):
        raise ValueError("targets out of range")
    m = np.max(z, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(z.dtype)
    e = np.exp(z - m)
    with np.errstate(invalid="ignore"):
        p = e / e.sum(axis=-1, keepdims=True)
    q = np.zeros_like(p)
    q += label_smoothing / c
    rows = np.flatnonzero(valid)
    q[rows, y[rows]] += 1.0 - label_smoothing
    grad = np.where(valid[:, None], p - q, np.zeros((), dtype=p.dtype))
    count = int(valid.sum())
    if reduction == "mean" and count:
        grad = grad / np.asarray(count, dtype=grad.dtype)
    return grad.reshape(logits.shape)
