"""Mistake: range(0, len(stream) - block_size, block_size) misses the last full block."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream = []
    for doc in docs:
        stream.extend(int(t) for t in doc)
        if eos_id is not None:
            stream.append(int(eos_id))
    blocks = [stream[i : i + block_size] for i in range(0, len(stream) - block_size, block_size)]
    return np.array(blocks, dtype=np.int64).reshape(len(blocks), block_size)
