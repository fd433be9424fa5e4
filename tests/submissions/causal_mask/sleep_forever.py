"""Verdict timeout from the wall clock: sleeping uses no CPU time."""

import time


def causal_mask(seq_len):
    time.sleep(10_000)
