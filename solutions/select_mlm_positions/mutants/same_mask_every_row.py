"""Mistake: draws one row of shape (T,) and broadcasts it, so every sequence in the
batch gets the same mask."""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask).astype(bool)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    row = rng.random(special.shape[1]) < mlm_probability
    return row[None, :] & ~special
