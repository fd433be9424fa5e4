"""Mistake: requires vocab_size to exceed the number of sentinels (>), rejecting the legal case where the last
sentinel is id 0.
"""

import numpy as np


def _collapse(ids, noise, vocab_size, eos_id):
    """Keep non-noise tokens; each maximal noise run becomes one sentinel, vocab_size - 1, vocab_size - 2, ..."""
    starts = noise & ~np.concatenate([[False], noise[:-1]])
    sentinels = vocab_size - np.cumsum(starts)
    out = np.where(starts, sentinels, ids)[~noise | starts]
    return np.concatenate([out, [eos_id]]).astype(np.int64)


def t5_span_corruption(input_ids, noise_mask, *, vocab_size, eos_id=1):
    ids = np.asarray(input_ids)
    noise = np.asarray(noise_mask, dtype=bool)
    if ids.ndim != 1:
        raise ValueError(f"input_ids must be 1-D (L,), got ndim {ids.ndim}")
    if noise.shape != ids.shape:
        raise ValueError(f"noise_mask must have the shape of input_ids {ids.shape}, got {noise.shape}")
    runs_in = int((noise & ~np.concatenate([[False], noise[:-1]])).sum())
    runs_out = int((~noise & ~np.concatenate([[False], ~noise[:-1]])).sum())
    if vocab_size < 1 or max(runs_in, runs_out) >= vocab_size:
        raise ValueError(f"vocab_size {vocab_size} is too small for {max(runs_in, runs_out)} sentinels")
    return _collapse(ids, noise, vocab_size, eos_id), _collapse(ids, ~noise, vocab_size, eos_id)
