"""Mistake: builds the result with np.array(list_of_blocks), which has shape (0,) instead of
(0, block_size) when no block is complete."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream: list[int] = []
    for doc in docs:
        stream.extend(int(t) for t in np.asarray(doc).reshape(-1))
        if eos_id is not None:
            stream.append(int(eos_id))
    n_blocks = len(stream) // block_size
    blocks = [stream[i * block_size : (i + 1) * block_size] for i in range(n_blocks)]
    return np.array(blocks, dtype=np.int64)
