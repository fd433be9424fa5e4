"""Verdict missing: the entry point is misspelt."""

import numpy as np


def causal_mak(seq_len):
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
