"""Mistake: log_softmax as log(softmax(x)); tiny probabilities underflow to 0 and give -inf, not -1000."""

import numpy as np


def _check(x, axis):
    x = np.asarray(x)
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range")
    return x


def _shift(x, axis):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(m), m, 0.0).astype(x.dtype)


def logsumexp(x, axis=-1):
    x = _check(x, axis)
    m = _shift(x, axis)
    with np.errstate(divide="ignore"):
        return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)


def log_softmax(x, axis=-1):
    x = _check(x, axis)
    e = np.exp(x - _shift(x, axis))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(e / np.sum(e, axis=axis, keepdims=True))
