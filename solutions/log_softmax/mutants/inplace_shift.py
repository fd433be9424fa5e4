"""Mistake: subtracts the max in place (x -= m); np.asarray does not copy a float64 input, so the caller's x changes."""

import numpy as np


def _check(x, axis):
    x = np.asarray(x)
    x = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range")
    return x


def log_softmax(x, axis=-1):
    x = _check(x, axis)
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)
    x -= m
    with np.errstate(divide="ignore", invalid="ignore"):
        return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


def logsumexp(x, axis=-1):
    x = _check(x, axis)
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)
