"""Mutant: a systematic one-point bias, 81/10/9 instead of 80/10/10 ([MASK] below 0.81, random in [0.81, 0.91)):
the statistical tests must have the power to see a bias of 0.01."""

import numpy as np


def _batch_width(rows, pad_to_multiple_of):
    if pad_to_multiple_of is not None and pad_to_multiple_of < 1:
        raise ValueError(f"pad_to_multiple_of must be None or >= 1, got {pad_to_multiple_of}")
    longest = max((len(r) for r in rows), default=0)
    if pad_to_multiple_of is None:
        return longest
    return -(-longest // pad_to_multiple_of) * pad_to_multiple_of


def _right_pad(rows, pad_id, pad_to_multiple_of):
    width = _batch_width(rows, pad_to_multiple_of)
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(rows), width), dtype=np.int64)
    for r, row in enumerate(rows):
        input_ids[r, :len(row)] = row
        attention_mask[r, :len(row)] = 1
    return input_ids, attention_mask


def mlm_collate(sequences, *, cls_id, sep_id, pad_id, mask_token_id, vocab_size, rng, mlm_probability=0.15,
                pad_to_multiple_of=None):
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    rows = [[cls_id, *[int(t) for t in seq], sep_id] for seq in sequences]
    input_ids, attention_mask = _right_pad(rows, pad_id, pad_to_multiple_of)
    eligible = np.zeros(input_ids.shape, dtype=bool)
    for r, row in enumerate(rows):
        eligible[r, 1:len(row) - 1] = True
    selected = (rng.random(input_ids.shape) < mlm_probability) & eligible
    labels = np.where(selected, input_ids, -100)
    u = rng.random(input_ids.shape)
    inputs = input_ids.copy()
    inputs[selected & (u < 0.81)] = mask_token_id
    to_random = selected & (u >= 0.81) & (u < 0.91)
    inputs[to_random] = rng.integers(0, vocab_size, size=int(to_random.sum()))
    return inputs, attention_mask, labels


def clm_collate(sequences, *, eos_id, pad_id, pad_to_multiple_of=None):
    rows = [[*[int(t) for t in seq], eos_id] for seq in sequences]
    input_ids, attention_mask = _right_pad(rows, pad_id, pad_to_multiple_of)
    labels = np.where(attention_mask == 1, input_ids, -100)
    return input_ids, attention_mask, labels
