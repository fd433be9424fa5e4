# expect: crashed
# status: error
# tiers: bwrap container process
"""Calls os._exit(0) while being imported: an in-process pytest would report success with no tests."""
import os

os._exit(0)


def causal_mask(seq_len):
    return None
