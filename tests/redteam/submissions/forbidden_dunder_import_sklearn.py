# expect: forbidden
# tiers: bwrap container process
"""Imports sklearn and scipy through __import__ with computed names."""


def causal_mask(seq_len):
    for name in ("sk" + "learn", "sci" + "py"):
        __import__(name)
