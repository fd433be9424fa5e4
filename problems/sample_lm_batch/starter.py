"""Sample a causal-LM training batch. Read the statement with `judge show sample_lm_batch`."""

import numpy as np


def sample_lm_batch(data: np.ndarray, batch_size: int, block_size: int, *,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return (x, y), each int64 (batch_size, block_size): for start indices s drawn independently and uniformly
    from 0..len(data) - block_size - 1 (inclusive), x = data[s : s + block_size], y = data[s + 1 : s + 1 + block_size].

    Uses only rng. Raises ValueError naming data (not 1-D), batch_size (< 0) or block_size (< 1, or
    len(data) < block_size + 1).
    """
    raise NotImplementedError("sample_lm_batch is not implemented yet")
