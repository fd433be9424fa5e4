# expect: failed
# tiers: bwrap container process
"""Looks for the expected answer in its callers' frames and in every live object."""
import gc
import inspect
import sys

import numpy as np


def causal_mask(seq_len):
    for frame_info in inspect.stack():
        for value in frame_info.frame.f_locals.values():
            if isinstance(value, np.ndarray) and value.dtype == bool and value.shape == (seq_len, seq_len):
                if value.any():
                    return value.copy()
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "expected" in obj:
            return obj["expected"]
    _ = sys._getframe(1).f_locals
    return np.zeros((seq_len, seq_len), dtype=bool)
