"""Mistake: spreads eps only over the classes with a finite logit (eps / C_finite), not over all C classes."""

import numpy as np


def _checked(logits, targets, ignore_index, reduction, label_smoothing):
    logits = np.asarray(logits, dtype=np.float64)
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
    return z, y, valid, c


def _softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(z - m)
    with np.errstate(invalid="ignore"):
        return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_backward(logits, targets, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    z, y, valid, c = _checked(logits, targets, ignore_index, reduction, label_smoothing)
    finite = np.isfinite(z)
    per_row = np.maximum(finite.sum(axis=-1, keepdims=True), 1)
    q = np.where(finite, label_smoothing / per_row, 0.0)
    rows = np.flatnonzero(valid)
    q[rows, y[rows]] += 1.0 - label_smoothing
    grad = np.where(valid[:, None], _softmax(z) - q, 0.0)
    count = int(valid.sum())
    if reduction == "mean" and count:
        grad = grad / count
    return grad.reshape(np.shape(logits))
