# expect: error
# tiers: bwrap container
"""Loads a framework's shared library directly with ctypes."""
import ctypes


def causal_mask(seq_len):
    lib = ctypes.CDLL("libtorch_cpu.so")
    return lib
