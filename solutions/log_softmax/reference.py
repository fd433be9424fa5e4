"""Reference solution for log_softmax (log_softmax and logsumexp)."""

import numpy as np


def _prepare(x, axis):
    x = np.asarray(x)
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis!r} is out of range for x with {x.ndim} dimensions")
    return x, int(axis)


def _shift_and_log_sum(x, axis):
    """(m, log(sum(exp(x - m)))) along axis with keepdims; m = 0 for slices with no finite maximum."""
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    safe = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return safe, np.log(np.sum(np.exp(x - safe), axis=axis, keepdims=True))


def logsumexp(x, axis=-1):
    x, axis = _prepare(x, axis)
    m, log_sum = _shift_and_log_sum(x, axis)
    return np.squeeze(m + log_sum, axis=axis)


def log_softmax(x, axis=-1):
    # (x - m) - log_sum, not x - (m + log_sum): m + log_sum rounds to a float of the magnitude of m, which costs
    # about ulp(max |x|) (5e-4 in float32 at |x| ~ 1e4); x - m is exact near the maximum, where it matters.
    x, axis = _prepare(x, axis)
    m, log_sum = _shift_and_log_sum(x, axis)
    with np.errstate(invalid="ignore"):
        return (x - m) - log_sum
