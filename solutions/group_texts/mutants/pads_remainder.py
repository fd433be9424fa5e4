"""Mistake: keeps the incomplete last block, padded with 0, instead of dropping it."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream: list[int] = []
    for doc in docs:
        stream.extend(int(t) for t in np.asarray(doc).reshape(-1))
        if eos_id is not None:
            stream.append(int(eos_id))
    n_blocks = -(-len(stream) // block_size)
    stream = stream + [0] * (n_blocks * block_size - len(stream))
    flat = np.array(stream[: n_blocks * block_size], dtype=np.int64)
    return flat.reshape(n_blocks, block_size)
