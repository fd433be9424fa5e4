"""Verdict failed: returns a (seq_len, seq_len + 1) array."""

import numpy as np


def causal_mask(seq_len):
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    return np.tril(np.ones((seq_len, seq_len + 1), dtype=bool))
