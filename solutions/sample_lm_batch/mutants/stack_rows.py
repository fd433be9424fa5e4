"""Mistake: builds x and y with np.stack over a list of rows, which raises for batch_size 0."""

import numpy as np


def sample_lm_batch(data: np.ndarray, batch_size: int, block_size: int, *,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    data = np.asarray(data)
    if data.ndim != 1:
        raise ValueError(f"data must be 1-D, got shape {data.shape}")
    if batch_size < 0:
        raise ValueError(f"batch_size must be >= 0, got {batch_size}")
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    if len(data) < block_size + 1:
        raise ValueError(f"data has {len(data)} tokens, block_size {block_size} needs at least {block_size + 1}")
    starts = rng.integers(0, len(data) - block_size, size=batch_size)
    x = np.stack([data[s : s + block_size] for s in starts]).astype(np.int64)
    y = np.stack([data[s + 1 : s + 1 + block_size] for s in starts]).astype(np.int64)
    return x, y
