# expect: error
# tiers: bwrap container process
"""Writes a 4 GiB file into its working directory."""


def causal_mask(seq_len):
    with open("giant.bin", "wb") as fh:
        for _ in range(512):
            fh.write(b"x" * (8 << 20))
