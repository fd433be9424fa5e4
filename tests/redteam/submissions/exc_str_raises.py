# expect: error
# tiers: bwrap container process
"""Raises an exception whose __str__ raises."""


class Nasty(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")


def causal_mask(seq_len):
    raise Nasty()
