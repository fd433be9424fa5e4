# expect: crashed
# tiers: bwrap container process
"""Dereferences a NULL pointer through ctypes."""
import ctypes


def causal_mask(seq_len):
    return ctypes.string_at(0)
