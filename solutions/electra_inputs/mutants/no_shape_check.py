"""Mistake: does not check the shapes, so a mismatched argument broadcasts or fails with a NumPy error instead of a
ValueError naming it.
"""

import numpy as np


def electra_inputs(input_ids, masked_positions, generator_samples, attention_mask):
    ids = np.asarray(input_ids)
    if ids.ndim != 2:
        raise ValueError(f"input_ids must be 2-D (B, T), got ndim {ids.ndim}")
    masked = np.asarray(masked_positions).astype(bool)
    disc = np.where(masked, np.asarray(generator_samples), ids).astype(np.int64)
    labels = (disc != ids).astype(np.int64)
    labels[np.asarray(attention_mask) == 0] = -100
    return disc, labels
