# expect: timeout
# tiers: bwrap container process
"""Wraps everything in except BaseException, so no in-process timeout exception can stop it."""


def causal_mask(seq_len):
    while True:
        try:
            while True:
                pass
        except BaseException:
            continue
