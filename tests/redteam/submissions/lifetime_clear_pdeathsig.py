# expect: failed error
# tiers: bwrap container process
"""Issue 11, class 7: forks a child that clears its parent-death signal, starts a new session, ignores SIGTERM,
SIGHUP and SIGINT, forks again and loops forever; the worker then answers wrongly. The trusted side, not this
process's good will, must end it: nothing of the run may be alive 3 s after the judge exits. `error` where the syscall filter
refuses process creation (the fork raises); `failed` where a child can run."""
import ctypes
import os
import signal
import time

import numpy as np

PR_SET_PDEATHSIG = 1


def _immortal():
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0)
    os.setsid()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    if os.fork():
        os._exit(0)
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0)
    while True:
        time.sleep(0.05)


def causal_mask(seq_len):
    if os.fork() == 0:
        try:
            _immortal()
        finally:
            os._exit(0)
    time.sleep(0.1)
    return np.zeros((seq_len, seq_len), dtype=bool)
