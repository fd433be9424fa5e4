"""Causal attention mask. Read the statement with `judge show causal_mask`."""

import numpy as np


def causal_mask(seq_len: int) -> np.ndarray:
    """Boolean (seq_len, seq_len) mask, True where query i may attend key j (j <= i).

    Raises ValueError (naming seq_len) when seq_len is negative.
    """
    raise NotImplementedError("causal_mask is not implemented yet")
