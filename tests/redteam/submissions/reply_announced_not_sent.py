# expect: crashed
# tiers: bwrap container process
"""Issue 11, class 2: writes, on every descriptor it has (one is the reply pipe), a reply frame that announces
a 1 TiB buffer and a header that claims 48 MiB, then sends neither. A decoder that allocates what is announced
exhausts the trusted side's memory before reading a byte; it must refuse the sizes up front: crashed."""
import json
import os
import struct
import time


def causal_mask(seq_len):
    body = json.dumps({"ok": True, "value": {"__ndarray__": [0, "|u1", [1 << 40]]}, "seq": 2,
                       "__buffers__": [1 << 40]}).encode()
    for frame in (struct.pack(">I", len(body)) + body, struct.pack(">I", 48 << 20) + b"{}"):
        for fd in range(3, 64):
            try:
                os.write(fd, frame)
            except OSError:
                pass
    time.sleep(0.5)
    raise RuntimeError("the judge did not read the forged frame")
