"""Masked softmax. Read the statement with `judge show masked_softmax`."""

import numpy as np


def masked_softmax(scores: np.ndarray, allowed: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax of `scores` along `axis` over the entries where the bool mask `allowed` is True.

    Blocked entries are exactly 0, a slice with no allowed entry is all zeros, the dtype of scores is kept.
    Raises ValueError (naming the argument) for non-float scores, a non-bool or non-broadcastable allowed,
    or an out-of-range axis.
    """
    raise NotImplementedError("masked_softmax is not implemented yet")
