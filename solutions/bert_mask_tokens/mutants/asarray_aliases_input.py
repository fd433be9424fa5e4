"""Mistake: np.asarray(input_ids, dtype=np.int64) returns the caller's array itself when it is already int64, so the
corruption is written into input_ids.
"""

import numpy as np


def _check_probability(name, value):
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")


def bert_mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, rng,
                     mlm_probability=0.15, mask_replace_prob=0.8, random_replace_prob=0.1):
    _check_probability("mlm_probability", mlm_probability)
    _check_probability("mask_replace_prob", mask_replace_prob)
    _check_probability("random_replace_prob", random_replace_prob)
    if mask_replace_prob + random_replace_prob > 1.0:
        raise ValueError("mask_replace_prob + random_replace_prob must not exceed 1, got "
                         f"{mask_replace_prob} + {random_replace_prob}")
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    ids = np.asarray(input_ids)
    if ids.dtype.kind not in "iu":
        raise ValueError(f"input_ids must be an integer array, got dtype {ids.dtype}")
    special = np.asarray(special_tokens_mask)
    if special.shape != ids.shape:
        raise ValueError(f"special_tokens_mask must have shape {ids.shape}, got {special.shape}")
    special = special.astype(bool)

    inputs = np.asarray(input_ids, dtype=np.int64)
    labels = inputs.copy()
    selected = (rng.random(ids.shape) < mlm_probability) & ~special
    labels[~selected] = -100
    u = rng.random(ids.shape)
    inputs[selected & (u < mask_replace_prob)] = mask_token_id
    to_random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
    inputs[to_random] = rng.integers(0, vocab_size, size=int(to_random.sum()))
    return inputs, labels
