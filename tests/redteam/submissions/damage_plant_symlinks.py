# expect: failed
# tiers: bwrap container process
"""Plants symlinks to secrets for the judge to follow when it copies results out."""
import os

import numpy as np


def causal_mask(seq_len):
    for name, target in (("results.json", "/etc/shadow"), ("output", "/root"), ("solution.py", "/etc/passwd")):
        try:
            os.symlink(target, name)
        except OSError:
            pass
    return np.zeros((seq_len, seq_len), dtype=bool)
