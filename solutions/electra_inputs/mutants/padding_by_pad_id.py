"""Mistake: marks -100 where input_ids == 0 (the pad id) instead of where attention_mask == 0."""

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
    masked = np.asarray(masked_positions).astype(bool)
    disc = np.where(masked, np.asarray(generator_samples), ids).astype(np.int64)
    labels = (disc != ids).astype(np.int64)
    labels[ids == 0] = -100
    return disc, labels
