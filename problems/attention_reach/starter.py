"""Receptive field of stacked attention. Read the statement with `judge show attention_reach`."""

import numpy as np


def attention_reach(allowed: np.ndarray, num_layers: int) -> np.ndarray:
    """Bool (T, T): reach[i, j] is True iff input token j can influence output position i after num_layers
    layers that all use the mask `allowed`, with a residual connection around every layer.

    num_layers 0 gives the identity. Raises ValueError naming allowed (not a square 2-D bool array) or
    num_layers (negative).
    """
    raise NotImplementedError("attention_reach is not implemented yet")
