"""Mistake: rejects only sequences with ndim > 1, so a scalar (0-D) sequence is not rejected with ValueError."""

import numpy as np


def left_pad_batch(seqs, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = []
    for seq in seqs:
        arr = np.asarray(seq, dtype=np.int64)
        if arr.ndim > 1:
            raise ValueError(f"seqs: every sequence must be 1-D, got shape {arr.shape}")
        rows.append(arr)
    max_len = max((len(r) for r in rows), default=0)
    input_ids = np.full((len(rows), max_len), pad_id, dtype=np.int64)
    attention_mask = np.zeros((len(rows), max_len), dtype=np.int64)
    for b, row in enumerate(rows):
        if len(row):
            input_ids[b, max_len - len(row) :] = row
            attention_mask[b, max_len - len(row) :] = 1
    position_ids = np.where(attention_mask == 1, np.cumsum(attention_mask, axis=1) - 1, 0)
    return input_ids, attention_mask, position_ids.astype(np.int64)
