"""Mistake: copies the state of rng into a new generator "so as not to mutate an input": the caller's
generator never advances, and two calls with one generator return the same batch."""

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
    local = np.random.default_rng()
    local.bit_generator.state = rng.bit_generator.state
    starts = local.integers(0, len(data) - block_size, size=batch_size)
    offsets = starts[:, None] + np.arange(block_size)
    x = data[offsets].astype(np.int64)
    y = data[offsets + 1].astype(np.int64)
    return x, y
