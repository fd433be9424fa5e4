# expect: crashed
# tiers: bwrap container process
"""Finds the reply pipe among its open file descriptors and writes a forged frame out of sequence."""
import json
import os
import struct


def causal_mask(seq_len):
    body = json.dumps({"ok": True, "value": True, "seq": 999, "__buffers__": []}).encode()
    frame = struct.pack(">I", len(body)) + body
    for fd in range(3, 64):
        try:
            os.write(fd, frame)
        except OSError:
            pass
    import time
    time.sleep(0.2)
    raise RuntimeError("forgery did not work")
