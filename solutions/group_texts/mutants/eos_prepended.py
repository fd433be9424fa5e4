"""Mistake: puts eos_id before every document (a BOS) instead of after it."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream = []
    for doc in docs:
        if eos_id is not None:
            stream.append(int(eos_id))
        stream.extend(int(t) for t in doc)
    n = len(stream) // block_size
    return np.array(stream[: n * block_size], dtype=np.int64).reshape(n, block_size)
