"""Gradient accumulation: one loss over many micro-batches. Read the statement with `judge show accumulated_loss`."""

import numpy as np


def accumulated_clm_loss(logits_list: list[np.ndarray], labels_list: list[np.ndarray]) -> float:
    """Sum of the shifted next-token losses over all micro-batches / total number of scored targets.

    logits_list[k]: (B_k, T_k, V) floats; labels_list[k]: (B_k, T_k) ints, -100 ignored.
    Returns a Python float; nan when nothing is scored. Raises ValueError naming labels_list or logits_list.
    """
    raise NotImplementedError("accumulated_clm_loss is not implemented yet")
