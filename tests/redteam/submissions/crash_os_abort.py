# expect: crashed
# tiers: bwrap process
"""Calls os.abort()."""
import os


def causal_mask(seq_len):
    os.abort()
