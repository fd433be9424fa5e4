"""Mistake: keeps the whole stream as one short block when it is shorter than block_size (old run_clm)."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream = []
    for doc in docs:
        stream.extend(int(t) for t in doc)
        if eos_id is not None:
            stream.append(int(eos_id))
    if 0 < len(stream) < block_size:
        return np.array([stream], dtype=np.int64)
    n = len(stream) // block_size
    return np.array(stream[: n * block_size], dtype=np.int64).reshape(n, block_size)
