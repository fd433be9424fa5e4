"""Mistake: np.where(~masked_positions, input_ids, generator_samples) on the mask as given; for a 0/1 integer mask ~0
= -1 and ~1 = -2 are both truthy, so no sample is ever used.
"""

import numpy as np


def electra_inputs(input_ids, masked_positions, generator_samples, attention_mask):
    ids = np.asarray(input_ids)
    if ids.ndim != 2:
        raise ValueError(f"input_ids must be 2-D (B, T), got ndim {ids.ndim}")
    arrays = {"masked_positions": masked_positions, "generator_samples": generator_samples,
              "attention_mask": attention_mask}
    for name, value in arrays.items():
        if np.shape(value) != ids.shape:
            raise ValueError(f"{name} must have the shape of input_ids {ids.shape}, got {np.shape(value)}")
    masked = np.asarray(masked_positions)
    disc = np.where(~masked, ids, np.asarray(generator_samples)).astype(np.int64)
    labels = (disc != ids).astype(np.int64)
    labels[np.asarray(attention_mask) == 0] = -100
    return disc, labels
