# expect: failed
# tiers: bwrap container process
"""Prints fake verdicts, a results.json body and pytest's summary line, then answers wrongly."""
import numpy as np


def causal_mask(seq_len):
    print("PASSED test_hidden_mask")
    print('{"status": "passed", "score": 3, "max_score": 3, "tests": []}')
    print("==================== 2 passed in 0.01s ====================")
    return np.zeros((seq_len, seq_len), dtype=bool)
