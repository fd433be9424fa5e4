"""Mistake: concatenates the documents as arrays and keeps their dtype, so int32 or uint16 documents
give int32 or uint16 blocks instead of int64."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    parts = []
    for doc in docs:
        doc = np.asarray(doc)
        if doc.size:
            parts.append(doc)
        if eos_id is not None:
            parts.append(np.array([eos_id], dtype=doc.dtype if doc.size else np.int64))
    if not parts:
        return np.zeros((0, block_size), dtype=np.int64)
    stream = np.concatenate(parts)
    n = len(stream) // block_size
    return stream[: n * block_size].reshape(n, block_size)
