"""Mutant: a systematic one-point bias, 81/10/9 instead of 80/10/10 (the [MASK] threshold 1.25% too high, random
replacement kept at its share; exact at mask_replace_prob 0 and 1): the statistical tests must have the power
to see a bias of 0.01."""

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

    inputs = ids.astype(np.int64)          # a new array: the caller's input_ids are never modified
    labels = inputs.copy()
    selected = (rng.random(ids.shape) < mlm_probability) & ~special
    labels[~selected] = -100
    to_mask = (rng.random(ids.shape) < mask_replace_prob * 1.0125) & selected
    inputs[to_mask] = mask_token_id
    if random_replace_prob > 0.0 and mask_replace_prob < 1.0:
        # Of the positions not turned into [MASK], a share random_replace_prob / (1 - mask_replace_prob) gets a
        # random id, so that overall random_replace_prob of the selected positions do.
        share = min(1.0, random_replace_prob / max(1e-12, 1.0 - mask_replace_prob * 1.0125))
        to_random = (rng.random(ids.shape) < share) & selected & ~to_mask
        inputs[to_random] = rng.integers(0, vocab_size, size=int(to_random.sum()), dtype=np.int64)
    return inputs, labels
