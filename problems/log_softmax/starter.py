"""Stable log-softmax and logsumexp. Read the statement with `judge show log_softmax`."""

import numpy as np


def logsumexp(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(x))) along axis, without overflow; shape x.shape with axis removed.

    float32 in gives float32 out; anything else (float64, float16, integers) gives float64.
    An all -inf slice gives -inf, and so does a length-0 axis.
    Raises ValueError (naming axis) for an axis out of range, (naming x) for a 0-d x.
    """
    raise NotImplementedError("logsumexp is not implemented yet")


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x - logsumexp(x, axis) broadcast along axis; same shape as x.

    -inf entries give -inf; an all -inf slice gives nan everywhere in that slice.
    Raises ValueError (naming axis) for an axis out of range, (naming x) for a 0-d x.
    """
    raise NotImplementedError("log_softmax is not implemented yet")
