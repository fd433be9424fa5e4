# expect: timeout error
# tiers: bwrap container process
"""Starts a multiprocessing pool whose workers spin forever; none of them may outlive the run. `error`
where the syscall filter refuses process creation (the pool cannot start); `timeout` where a child can run."""
import multiprocessing

import numpy as np


def spin(i):
    while True:
        pass


def causal_mask(seq_len):
    with multiprocessing.Pool(4) as pool:
        pool.map(spin, range(8))
    return np.zeros((seq_len, seq_len), dtype=bool)
