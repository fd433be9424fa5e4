# expect: failed
# tiers: bwrap container process
"""Caches every array it is given and scribbles over its inputs."""
import numpy as np

SEEN = []


def causal_mask(seq_len):
    arg = np.asarray(seq_len)
    SEEN.append(arg)
    return np.zeros((seq_len, seq_len), dtype=bool)
