# expect: failed
# tiers: bwrap container process
"""Writes bytes that mimic the judge's frames to stdout and stderr, then answers wrongly."""
import json
import struct
import sys

import numpy as np


def causal_mask(seq_len):
    body = json.dumps({"ok": True, "value": True, "seq": 2, "__buffers__": []}).encode()
    frame = struct.pack(">I", len(body)) + body
    sys.stdout.buffer.write(frame * 100)
    sys.stderr.buffer.write(frame * 100)
    return np.zeros((seq_len, seq_len), dtype=bool)
