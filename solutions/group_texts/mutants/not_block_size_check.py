"""Mistake: `if not block_size:` rejects only 0 and lets a negative block_size through."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if not block_size:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream = []
    for doc in docs:
        stream.extend(int(t) for t in doc)
        if eos_id is not None:
            stream.append(int(eos_id))
    n = len(stream) // block_size
    return np.array(stream[: n * block_size], dtype=np.int64).reshape(n, block_size)
