# expect: error
# tiers: bwrap container
"""Writes to /dev/shm, which is RAM outside any address-space limit."""


def causal_mask(seq_len):
    with open("/dev/shm/hog", "wb") as fh:
        for _ in range(1000):
            fh.write(b"x" * (8 << 20))
