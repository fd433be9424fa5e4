"""Mistake: builds the mask row by row with np.stack, which raises for an empty batch (B = 0)."""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")

    rows = [rng.random(special.shape[1]) < mlm_probability for _ in range(special.shape[0])]
    return np.stack(rows) & ~special.astype(bool)
