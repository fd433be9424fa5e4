# expect: timeout error
# tiers: container process
"""Issue 19, uncharged CPU: a double-forked orphan leaves the submission's process tree (on the container and
process tiers nothing of the submission adopts it), so the clock that walks the tree never sees it: two orphans
spin for as long as they live while each call only waits 1.5 s (under its 2 s budget) and answers right. The
machine pays seconds of CPU the submission is never charged for. Where the syscall filter refuses process creation
the fork raises (`error`); where a child can run, every cycle must be charged (`timeout`)."""
import os
import time

import numpy as np


def spin_orphan():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                pass
        os._exit(0)


def causal_mask(seq_len):
    for _ in range(2):
        spin_orphan()
    time.sleep(1.5)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
