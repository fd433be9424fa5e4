# expect: failed error
# tiers: bwrap container process
"""Starts a double-forked setsid daemon that holds the output pipes and lives forever, then answers wrongly. `error` where the
syscall filter refuses process creation (the fork raises); `failed` where a child can run."""
import os
import time

import numpy as np


def causal_mask(seq_len):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                print("still here", flush=True)
                time.sleep(0.05)
        os._exit(0)
    time.sleep(0.05)
    return np.zeros((seq_len, seq_len), dtype=bool)
