# expect: memory
# tiers: bwrap container process
"""Reserves twice the memory limit (2 GiB) in one array and returns a correct mask.

The kernel would grant 2 GiB here; only the judge's limit refuses it. The array is never touched, so this costs no
CPU time and the verdict never races the time budget (unlike memory_growing_list.py): a judge without a memory
limit would score this file as passing.
"""

import numpy as np


def causal_mask(seq_len):
    hog = np.empty(2 << 30, dtype=np.uint8)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool)) & (hog.size > 0)
