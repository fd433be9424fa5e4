# expect: timeout
# tiers: bwrap container
"""Forks without end (bounded only by the sandbox's process limit), every child spinning."""
import os


def causal_mask(seq_len):
    while True:
        try:
            os.fork()
        except OSError:
            pass
