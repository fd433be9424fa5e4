"""Mistake: BERT's exact count, round(p * eligible) per row placed uniformly, instead of one Bernoulli per
position.

The expected rate is right, but the count per row is fixed instead of Binomial.
"""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask).astype(bool)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    out = np.zeros(special.shape, dtype=bool)
    for r in range(special.shape[0]):
        eligible = np.flatnonzero(~special[r])
        k = round(len(eligible) * mlm_probability)
        out[r, rng.choice(eligible, size=k, replace=False)] = True
    return out
