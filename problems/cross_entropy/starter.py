"""Cross-entropy with ignored targets and label smoothing. Read the statement with `judge show cross_entropy`."""

import numpy as np


def cross_entropy(logits: np.ndarray, targets: np.ndarray, *, ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> "float | np.ndarray":
    """PyTorch-style cross-entropy: logits (..., C) with classes last, integer targets (...).

    Items whose target equals ignore_index contribute 0 and are left out of the mean's count.
    reduction "mean" / "sum" return a Python float ("mean" with nothing to count is nan, "sum" is 0.0);
    "none" returns a float64 array of shape targets.shape.
    label_smoothing eps: each item costs (1 - eps) * nll + eps * mean over the C classes of -log p.
    Raises ValueError naming logits, targets, reduction or label_smoothing for invalid arguments.
    """
    raise NotImplementedError("cross_entropy is not implemented yet")
