# expect: crashed
# tiers: bwrap container process
"""Calls sys.exit(0) inside the call."""
import sys


def causal_mask(seq_len):
    sys.exit(0)
