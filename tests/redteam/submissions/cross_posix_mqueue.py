# expect: failed
# tiers: bwrap container
"""Issue 19, named kernel objects: creates a POSIX message queue (`/judge_flag`, mode 0666) holding a message for
the next student, and answers wrongly. On the container tier every worker shares the machine's IPC namespace, so
a queue outlives its worker unless the filter refuses `mq_open` or the sweep removes it; the probe graded after
it in tests/redteam/test_cross_student.py looks for it."""
import ctypes

import numpy as np

O_CREAT, O_WRONLY, O_NONBLOCK = 0o100, 0o1, 0o4000


def leave_queue():
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        rt = ctypes.CDLL("librt.so.1")
    except OSError:
        rt = libc
    mq_open = getattr(rt, "mq_open", None) or libc.mq_open
    qd = mq_open(b"/judge_flag", O_CREAT | O_WRONLY | O_NONBLOCK, 0o666, None)
    if qd >= 0:
        rt.mq_send(qd, b"planted", 7, 0)


def causal_mask(seq_len):
    leave_queue()
    return np.zeros((seq_len, seq_len), dtype=bool)
