# expect: timeout
# tiers: bwrap process
"""Spins forever."""


def causal_mask(seq_len):
    while True:
        pass
