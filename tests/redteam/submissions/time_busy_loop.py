# expect: timeout
# tiers: bwrap container process
"""Spins forever."""


def causal_mask(seq_len):
    while True:
        pass
