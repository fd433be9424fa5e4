# expect: failed
# tiers: bwrap container process
"""Uses the unseeded global np.random, random and set order: its verdict and messages must still be reproducible."""
import random

import numpy as np


def causal_mask(seq_len):
    order = list({f"tok{i}" for i in range(50)})
    noise = np.random.rand(seq_len, seq_len) < 0.5
    if random.random() < 2 and order:
        return noise
    return noise
