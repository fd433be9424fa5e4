"""Mistake: skips empty documents entirely, so they do not contribute their eos_id."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream: list[int] = []
    for doc in docs:
        if len(doc) == 0:
            continue
        stream.extend(int(t) for t in np.asarray(doc).reshape(-1))
        if eos_id is not None:
            stream.append(int(eos_id))
    n_blocks = len(stream) // block_size
    flat = np.array(stream[: n_blocks * block_size], dtype=np.int64)
    return flat.reshape(n_blocks, block_size)
