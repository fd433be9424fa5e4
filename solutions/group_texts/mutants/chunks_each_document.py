"""Mistake: cuts every document into blocks on its own (dropping each document's tail) instead
of cutting the concatenated stream, so no block spans two documents."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    blocks = []
    for doc in docs:
        tokens = [int(t) for t in np.asarray(doc).reshape(-1)]
        if eos_id is not None:
            tokens.append(int(eos_id))
        for start in range(0, len(tokens) - block_size + 1, block_size):
            blocks.append(tokens[start : start + block_size])
    return np.array(blocks, dtype=np.int64).reshape(len(blocks), block_size)
