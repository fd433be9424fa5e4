"""Verdict error: raises an exception of its own on every call."""

import numpy as np


def causal_mask(seq_len):
    rows = np.arange(seq_len)
    return rows[:, None] <= rows[None, :][abs(seq_len) + 10]  # IndexError
