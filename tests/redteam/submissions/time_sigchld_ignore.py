# expect: timeout error
# tiers: bwrap container process
"""Issue 19, uncharged CPU: sets SIGCHLD to SIG_IGN, so the kernel reaps its children and adds their CPU time to
nobody's cutime, then does each call's work in many short children (two at a time, about 20 ms each) for 1.5 s
of wall time, about 3 s of CPU against the test's 2 s budget, and answers right. A clock that sums the tree and
what parents reaped sees only the children alive at each reading: the call passed, uncharged (3 s of CPU in 110
children over 5 calls on bwrap and container). Where the syscall filter refuses process creation the fork raises
(`error`); where a child can run, every cycle must be charged (`timeout`)."""
import os
import signal
import time

import numpy as np


def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def causal_mask(seq_len):
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    stop = time.monotonic() + 1.5
    while time.monotonic() < stop:
        for _ in range(2):
            if os.fork() == 0:
                burn(0.02)
                os._exit(0)
        try:
            while True:
                os.waitpid(-1, 0)  # returns ECHILD once the kernel has reaped both
        except ChildProcessError:
            pass
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
