"""Mistake: exactly round(mlm_probability * n) of the n eligible positions of the whole batch, chosen uniformly
without replacement, instead of one Bernoulli draw per position (the total never varies).
"""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")

    eligible = np.flatnonzero(~special.astype(bool).ravel())
    chosen = rng.choice(eligible, size=round(mlm_probability * eligible.size), replace=False)
    out = np.zeros(special.size, dtype=bool)
    out[chosen] = True
    return out.reshape(special.shape)
