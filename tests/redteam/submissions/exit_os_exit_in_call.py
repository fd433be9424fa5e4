# expect: crashed
# tiers: bwrap container process
"""Calls os._exit(0) inside the call."""
import os


def causal_mask(seq_len):
    os._exit(0)
