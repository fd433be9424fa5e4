"""Mistake: averages log Z squared within each sequence (row of the mask), then over the sequences
(T5X's AVERAGE_PER_SEQUENCE), instead of one mean over all masked-in positions."""

import numpy as np


def _checked(logits, mask, coefficient):
    logits = np.asarray(logits, dtype=np.float64)
    mask = np.asarray(mask)
    if logits.ndim < 1 or logits.shape[-1] < 1:
        raise ValueError("logits must be (..., V) with V >= 1")
    if mask.dtype != np.bool_ or mask.shape != logits.shape[:-1]:
        raise ValueError("mask must be bool of shape logits.shape[:-1]")
    if not coefficient >= 0:
        raise ValueError("coefficient must be >= 0")
    return logits, mask


def _lse(z):
    m = z.max(axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.exp(z - m).sum(axis=-1))


def z_loss(logits, mask, coefficient=1e-4):
    logits, mask = _checked(logits, mask, coefficient)
    if mask.ndim <= 1:
        z = logits[mask]
        return float(coefficient * np.mean(_lse(z) ** 2)) if z.shape[0] else 0.0
    rows_l = logits.reshape(-1, mask.shape[-1], logits.shape[-1])
    rows_m = mask.reshape(-1, mask.shape[-1])
    means = [np.mean(_lse(lg[m]) ** 2) for lg, m in zip(rows_l, rows_m, strict=True) if m.any()]
    return float(coefficient * np.mean(means)) if means else 0.0
