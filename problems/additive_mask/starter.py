"""Additive attention masks. Read the statement with `judge show additive_mask`."""

import numpy as np


def to_additive_mask(allowed: np.ndarray, dtype=np.float32, fill: str = "-inf") -> np.ndarray:
    """Float mask of dtype `dtype`, shape allowed.shape: 0 where allowed, the fill value where blocked.

    fill="-inf" puts -inf, fill="min" puts np.finfo(dtype).min. Raises ValueError naming dtype when dtype is
    not a real floating dtype, naming fill when fill is neither "-inf" nor "min".
    """
    raise NotImplementedError("to_additive_mask is not implemented yet")


def combine_additive_masks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b (broadcast, dtype np.result_type(a, b)), clamped below at finfo.min except where a or b is -inf.

    Raises ValueError naming a (or b) when it is not a floating array, and ValueError when shapes do not
    broadcast.
    """
    raise NotImplementedError("combine_additive_masks is not implemented yet")
