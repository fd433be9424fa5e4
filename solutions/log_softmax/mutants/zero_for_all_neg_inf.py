"""Mistake: an all -inf slice gets log_softmax 0 (like the attention convention) instead of nan."""

import numpy as np


def _check(x, axis):
    x = np.asarray(x)
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range")
    return x


def _lse(x, axis):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def logsumexp(x, axis=-1):
    x = _check(x, axis)
    return np.squeeze(_lse(x, axis), axis=axis)


def log_softmax(x, axis=-1):
    x = _check(x, axis)
    with np.errstate(invalid="ignore"):
        out = x - _lse(x, axis)
    return np.where(np.isnan(out), np.zeros((), dtype=x.dtype), out)
