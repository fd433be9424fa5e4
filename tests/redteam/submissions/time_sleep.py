# expect: timeout
# tiers: bwrap container process
"""Sleeps: uses no CPU time, so only the wall deadline can stop it."""
import time


def causal_mask(seq_len):
    time.sleep(10_000)
