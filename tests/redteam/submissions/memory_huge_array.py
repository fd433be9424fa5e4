# expect: memory
# tiers: bwrap container process
"""Allocates a 64 GiB array."""
import numpy as np


def causal_mask(seq_len):
    return np.ones((1 << 36,), dtype=np.uint8)
