# expect: crashed
# tiers: bwrap container process
"""Lifts the recursion limit and recurses through a C function until the C stack overflows."""
import sys


def dive(n):
    # Through map, a C function, every level costs C stack as well: the C stack overflows.
    return list(map(dive, [n + 1]))


def causal_mask(seq_len):
    sys.setrecursionlimit(10**9)
    return dive(0)
