# expect: failed
# tiers: bwrap container process
# problem: redteam_results
"""Issue 19, trusted memory: every call returns a 24 MiB array of the wrong shape, so every one of the 41 tests
fails on a large result. A failed test's traceback held its frame, and with it the result, until the submission
ended (garbage collection is off while a batch runs): 40 such calls took `judge grade` to 1.2 GiB and `judge
submit` to 0.9 GiB. tests/redteam/test_trusted_memory.py measures the trusted process's peak on it."""
import numpy as np


def causal_mask(seq_len):
    return np.ones(24 << 20, dtype=bool)
