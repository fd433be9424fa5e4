"""Verdict memory: allocates 8 GiB."""

import numpy as np


def causal_mask(seq_len):
    big = np.ones(8 << 30, dtype=np.uint8)
    return big[: seq_len * seq_len].reshape(seq_len, seq_len).astype(bool)
