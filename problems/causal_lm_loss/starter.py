"""Causal-LM loss: shift, ignore, normalize. Read the statement with `judge show causal_lm_loss`."""

import numpy as np


def causal_lm_loss(logits: np.ndarray, labels: np.ndarray, *, num_items_in_batch=None) -> float:
    """Next-token cross-entropy: logits[:, t] (B, T, V) is scored against labels[:, t + 1] (B, T).

    Targets equal to -100 are skipped. Returns the token-level mean over the batch (nan when nothing is scored),
    or the sum divided by num_items_in_batch when it is given.
    Raises ValueError naming logits, labels or num_items_in_batch for invalid arguments.
    """
    raise NotImplementedError("causal_lm_loss is not implemented yet")
