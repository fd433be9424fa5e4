# expect: timeout
# tiers: bwrap container process
"""Blocks forever reading a pipe nobody writes to."""
import os


def causal_mask(seq_len):
    r, w = os.pipe()
    os.read(r, 1)
