"""Mistake: the textbook formula log(sum(exp(x))) without the max shift; exp overflows for logits near 1e4."""

import numpy as np


def _check(x, axis):
    x = np.asarray(x)
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range")
    return x


def logsumexp(x, axis=-1):
    x = _check(x, axis)
    with np.errstate(over="ignore", divide="ignore"):
        return np.log(np.sum(np.exp(x), axis=axis))


def log_softmax(x, axis=-1):
    x = _check(x, axis)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
