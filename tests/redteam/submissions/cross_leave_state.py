# expect: failed
# tiers: bwrap container
"""Cross-student (class 1): leaves state for the next student in every place a sandbox might share: a flag in
/dev, 64 MiB in /dev/shm, a SysV shared-memory segment, a folder chain deeper than PATH_MAX (which once defeated
the zygote's wipe), files in /tmp; answers wrongly itself. tests/redteam/test_cross_student.py grades an honest
student and a probe after it in the same grading process."""
import ctypes
import os

import numpy as np


def leave_state():
    for path, size in (("/dev/judge_flag", 1 << 10), ("/dev/shm/judge_flag", 64 << 20), ("/tmp/judge_flag", 1 << 10)):
        try:
            with open(path, "wb") as fh:
                fh.write(b"x" * size)
        except OSError:
            pass
    libc = ctypes.CDLL(None)
    libc.shmget(0x4A554447, 1 << 20, 0o1666)  # IPC_CREAT | 0666, key "JUDG"
    os.chdir("/tmp")
    try:
        for _ in range(600):  # each level 20 bytes: past PATH_MAX (4096) from /tmp
            os.mkdir("d" * 19)
            os.chdir("d" * 19)
    except OSError:
        pass
    os.chdir("/tmp")


def causal_mask(seq_len):
    leave_state()
    return np.zeros((seq_len, seq_len), dtype=bool)
