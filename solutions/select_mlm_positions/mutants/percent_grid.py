"""Mistake: draws integer percentages, rng.integers(0, 100) < mlm_probability * 100, so the probability is rounded up
to a multiple of 1% (0.0125 behaves like 0.02).
"""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")

    draws = rng.integers(0, 100, size=special.shape)
    return (draws < mlm_probability * 100) & ~special.astype(bool)
