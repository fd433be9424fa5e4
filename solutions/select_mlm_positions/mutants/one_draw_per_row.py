"""Mistake: draws one uniform per row (shape (B, 1)) and broadcasts it, so a row is selected entirely or not at all."""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")

    draws = rng.random((special.shape[0], 1))
    return (draws < mlm_probability) & ~special.astype(bool)
