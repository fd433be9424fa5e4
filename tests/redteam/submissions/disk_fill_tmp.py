# expect: error
# tiers: bwrap
"""Fills the private tmp (a size-capped tmpfs that lives in RAM) with many medium files."""
import os


def causal_mask(seq_len):
    for i in range(10_000):
        with open(f"/tmp/fill{i}", "wb") as fh:
            fh.write(b"x" * (8 << 20))
