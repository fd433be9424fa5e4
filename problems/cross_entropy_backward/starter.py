"""The gradient of cross-entropy. Read the statement with `judge show cross_entropy_backward`."""

import numpy as np


def cross_entropy_backward(logits: np.ndarray, targets: np.ndarray, *, ignore_index: int = -100,
                           reduction: str = "mean", label_smoothing: float = 0.0) -> np.ndarray:
    """d loss / d logits of cross_entropy: (softmax - smoothed one-hot), divided by the valid count for "mean".

    float64, shape of logits; ignored rows exactly 0; all zeros when every item is ignored.
    Raises ValueError naming targets, reduction or label_smoothing for invalid arguments.
    """
    raise NotImplementedError("cross_entropy_backward is not implemented yet")
