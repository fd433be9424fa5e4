"""Mistake: uses ~ on the mask as given; for a 0/1 integer mask ~1 == -2 and ~0 == -1 are both truthy.

Bool masks work, but an integer special_tokens_mask lets special positions through.
"""

import numpy as np


def select_mlm_positions(special_tokens_mask, mlm_probability, *, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 2:
        raise ValueError(f"special_tokens_mask must be 2-D (B, T), got ndim {special.ndim}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    return (rng.random(special.shape) < mlm_probability) & (~special != 0)
