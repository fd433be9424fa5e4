"""Verdict invalid: the module raises while it is imported."""

import numpy as np

TABLE = np.tril(np.ones((4, 4), dtype=bool))[5, 5]


def causal_mask(seq_len):
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
