# expect: failed
# tiers: bwrap container
"""Reads the environment of its parent and of pid 1, looking for the judge's variables (Judge0 #564)."""
import os

import numpy as np


def causal_mask(seq_len):
    stolen = b""
    for pid in {os.getppid(), 1}:
        try:
            stolen += open(f"/proc/{pid}/environ", "rb").read()
        except OSError:
            pass
    if b"JUDGE" in stolen or b"HOME=/root" in stolen or b"PATH=" in stolen:
        return np.tril(np.ones((seq_len, seq_len), dtype=bool))
    return np.zeros((seq_len, seq_len), dtype=bool)
