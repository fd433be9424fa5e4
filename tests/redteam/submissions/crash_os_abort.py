# expect: crashed
# tiers: bwrap container process
"""Calls os.abort()."""
import os


def causal_mask(seq_len):
    os.abort()
