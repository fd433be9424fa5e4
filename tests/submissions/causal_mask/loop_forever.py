"""Verdict timeout: never returns."""

import numpy as np


def causal_mask(seq_len):
    while True:
        pass
    return np.zeros((seq_len, seq_len), dtype=bool)
