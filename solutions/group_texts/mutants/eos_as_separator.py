"""Mistake: joins the documents with eos_id *between* them (like str.join), so the last document
has no EOS and an empty document adds nothing."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    stream: list[int] = []
    for i, doc in enumerate(docs):
        if i > 0 and eos_id is not None:
            stream.append(int(eos_id))
        stream.extend(int(t) for t in np.asarray(doc).reshape(-1))
    n_blocks = len(stream) // block_size
    flat = np.array(stream[: n_blocks * block_size], dtype=np.int64)
    return flat.reshape(n_blocks, block_size)
