"""Verdict forbidden: imports scipy at call time through __import__ (no import statement to scan)."""

import numpy as np


def causal_mask(seq_len):
    linalg = __import__("scipy" + ".linalg")
    return np.asarray(linalg.toeplitz(np.ones(seq_len)) > 0)
