"""Mistake: np.concatenate(docs) with no guard: no documents raises instead of giving (0, block_size)."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    parts = []
    for doc in docs:
        parts.append(np.asarray(doc, dtype=np.int64))
        if eos_id is not None:
            parts.append(np.array([eos_id], dtype=np.int64))
    stream = np.concatenate(parts)
    n = len(stream) // block_size
    return stream[: n * block_size].reshape(n, block_size)
