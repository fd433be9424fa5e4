"""Mistake: zeroes the masked-out rows in place (logits[~mask] = 0) to drop garbage; the caller's array changes."""

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
    count = int(mask.sum())
    if count == 0:
        return 0.0
    logits[~mask] = 0.0
    return float(coefficient * np.sum(_lse(logits)[mask] ** 2) / count)
