"""Verdict crashed: exits the process in the middle of the call."""

import os


def causal_mask(seq_len):
    os._exit(0)
