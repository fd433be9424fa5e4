# expect: failed
# tiers: bwrap container process
"""Reads its own environment, looking for the judge's variables, tokens and paths."""
import os

import numpy as np


def causal_mask(seq_len):
    leaked = [k for k in os.environ if k not in {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PYTHONHASHSEED",
                                                 "PYTHONDONTWRITEBYTECODE", "OPENBLAS_NUM_THREADS",
                                                 "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LC_CTYPE", "PWD",
                                                 "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}]
    if leaked:
        return np.tril(np.ones((seq_len, seq_len), dtype=bool))
    return np.zeros((seq_len, seq_len), dtype=bool)
