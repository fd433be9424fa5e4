# expect: memory
# tiers: bwrap process
"""Grows a list until memory runs out."""


def causal_mask(seq_len):
    hog = []
    while True:
        hog.append(bytearray(256 << 20))
