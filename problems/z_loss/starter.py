"""z-loss: keeping the softmax normalizer near 1. Read the statement with `judge show z_loss`."""

import numpy as np


def z_loss(logits: np.ndarray, mask: np.ndarray, coefficient: float = 1e-4) -> float:
    """coefficient * mean over masked-in positions of logsumexp(logits[pos]) ** 2; 0.0 when none is masked in.

    logits (..., V) floats; mask bool of shape logits.shape[:-1]. Masked-out positions are ignored entirely.
    Raises ValueError naming mask, coefficient or logits for invalid arguments.
    """
    raise NotImplementedError("z_loss is not implemented yet")
