# expect: timeout
# tiers: bwrap container process
"""Prints without end to stdout and stderr."""
import sys


def causal_mask(seq_len):
    line = "spam " * 20000
    while True:
        sys.stdout.write(line)
        sys.stderr.write(line)
