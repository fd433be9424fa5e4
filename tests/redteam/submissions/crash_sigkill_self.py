# expect: crashed
# tiers: bwrap container process
"""Sends SIGKILL to itself."""
import os
import signal


def causal_mask(seq_len):
    os.kill(os.getpid(), signal.SIGKILL)
