"""Mistake: splits the selected positions with exact counts (round(pm * k) [MASK], round(pr * k) random) by
shuffling, instead of an independent draw per position.
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

    inputs = ids.astype(np.int64)
    labels = inputs.copy()
    selected = (rng.random(ids.shape) < mlm_probability) & ~special
    labels[~selected] = -100
    where = rng.permutation(np.flatnonzero(selected.ravel()))
    k = where.size
    n_mask = round(mask_replace_prob * k)
    n_rand = min(round(random_replace_prob * k), k - n_mask)
    flat = inputs.reshape(-1)
    flat[where[:n_mask]] = mask_token_id
    flat[where[n_mask:n_mask + n_rand]] = rng.integers(0, vocab_size, size=n_rand)
    return flat.reshape(ids.shape), labels
