# expect: crashed
# tiers: bwrap container process
"""Issue 11, class 2: replaces the worker's reply with one whose value references a single 64 MiB buffer
20,000 times (a header under the 1 MiB cap). A decoder that copies the buffer once per reference needs 1.3 TB; the
trusted side refuses a buffer used twice, so this is a protocol fault: crashed."""
import sys

import numpy as np

worker = sys.modules["judge.isolated.worker"]
SIZE = 64 << 20


def bomb(self, req, buffers):
    ref = {"__ndarray__": [0, "|u1", [SIZE]]}
    return {"ok": True, "value": [ref] * 20_000}, [bytes(SIZE)]


worker.Worker.call = bomb


def causal_mask(seq_len):
    return np.zeros((seq_len, seq_len), dtype=bool)
