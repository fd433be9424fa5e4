"""Logits filtering and sampling. Read the statement with `judge show logits_filter`."""

import numpy as np


def filter_logits(logits: np.ndarray, *, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0) -> np.ndarray:
    """float64 (B, V): logits / temperature, then top-k, then top-p; removed entries are -inf.

    Ties at a cut are kept. Raises ValueError naming temperature, top_k, top_p or logits.
    """
    raise NotImplementedError("filter_logits is not implemented yet")


def sample(logits: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    """int64 (B,): one index per row drawn from softmax(logits[b]) with rng (never a -inf entry)."""
    raise NotImplementedError("sample is not implemented yet")
