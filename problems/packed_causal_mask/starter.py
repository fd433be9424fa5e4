"""Packed sequences. Read the statement with `judge show packed_causal_mask`."""

import numpy as np


def packed_causal_mask(segment_ids: np.ndarray) -> np.ndarray:
    """Bool (..., T, T) mask for segment_ids of shape (T,) or (B, T).

    allowed[..., i, j] is True iff tokens i and j belong to the same document (the same contiguous run of
    equal ids in the row) and j <= i. Raises ValueError naming segment_ids for a non-integer array or a
    shape that is not (T,) or (B, T).
    """
    raise NotImplementedError("packed_causal_mask is not implemented yet")


def packed_position_ids(segment_ids: np.ndarray) -> np.ndarray:
    """int64 (T,) or (B, T): the position of each token inside its document, restarting at 0.

    Same documents and same errors as packed_causal_mask.
    """
    raise NotImplementedError("packed_position_ids is not implemented yet")
