"""An honest student who checks that nothing of an earlier student reached them: the reference answer when the
sandbox is clean, a wrong one (so the grade shows it) when anything an attacker could have left is there."""
import os

import numpy as np


def leftovers():
    found = []
    for path in ("/dev/judge_flag", "/dev/shm/judge_flag", "/tmp/judge_flag", "/tmp/dddddddddddddddddddd",
                 "/tmp/.submission/__pycache__"):
        if os.path.exists(path):
            found.append(path)
    try:
        with open("/proc/sysvipc/shm") as fh:
            if len(fh.read().splitlines()) > 1:
                found.append("sysv shm")
    except OSError:
        pass
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
    if others:
        found.append(f"processes {others}")
    return found


def causal_mask(seq_len):
    if leftovers():
        return np.zeros((seq_len, seq_len), dtype=bool)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
