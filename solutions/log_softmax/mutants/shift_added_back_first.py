"""Mutant: log_softmax as x - (m + log(sum(exp(x - m)))), i.e. x - logsumexp(x): correct in exact arithmetic, but
m + log(sum) rounds at the magnitude of m, an error of about ulp(max |x|) (5e-4 in float32 at |x| ~ 1e4), 1000 times
the error of (x - m) - log(sum), the hint's form."""

import numpy as np


def _prepare(x, axis):
    x = np.asarray(x)
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis!r} is out of range for x with {x.ndim} dimensions")
    return x, int(axis)


def _lse_keepdims(x, axis):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    safe = np.where(np.isfinite(m), m, 0.0).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.sum(np.exp(x - safe), axis=axis, keepdims=True))


def logsumexp(x, axis=-1):
    x, axis = _prepare(x, axis)
    return np.squeeze(_lse_keepdims(x, axis), axis=axis)


def log_softmax(x, axis=-1):
    x, axis = _prepare(x, axis)
    with np.errstate(invalid="ignore"):
        return x - _lse_keepdims(x, axis)
