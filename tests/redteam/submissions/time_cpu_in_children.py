# expect: timeout error
# tiers: bwrap container process
"""Time (class 5): does the work in two forked children that burn CPU in parallel while the parent only waits,
so the call's CPU time is about twice its wall time; a judge that charged only the worker's own CPU time (or
took the worker's word for it) would let it pass. Returns the right answer. `error` where the syscall filter
refuses process creation (the fork raises); `timeout` where a child can run."""
import os

import numpy as np


def causal_mask(seq_len):
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            total = 0
            for i in range(60_000_000):
                total += i
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
