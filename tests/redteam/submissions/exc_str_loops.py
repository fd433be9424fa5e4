# expect: timeout
# tiers: bwrap container process
"""Raises an exception whose __str__ never returns."""


class Endless(Exception):
    def __str__(self):
        while True:
            pass


def causal_mask(seq_len):
    raise Endless()
