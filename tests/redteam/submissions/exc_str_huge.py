# expect: error
# tiers: bwrap container process
"""Raises an exception whose message is 50 MB."""


class Huge(Exception):
    def __str__(self):
        return "A" * (50 << 20)


def causal_mask(seq_len):
    raise Huge()
