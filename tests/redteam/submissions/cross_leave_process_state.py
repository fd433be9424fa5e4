# expect: failed
# tiers: bwrap container
"""Issue 19, a clean slate state by state: changes everything a process can leave in itself or its namespace for a
later worker forked from the same zygote or run under the same leased uid: umask, environment, signal dispositions,
rlimits, an inheritable descriptor (at a high number and on a file in /tmp), a listening abstract unix socket and a
non-daemon thread that holds it, a SysV-style flag file in /dev/shm, and answers wrongly. The probe graded after it
in tests/redteam/test_cross_student.py checks each one."""
import os
import resource
import signal
import socket
import threading
import time

import numpy as np

HOLD = []


def leave_state():
    os.umask(0o000)
    os.environ["JUDGE_FLAG"] = "planted"
    os.putenv("JUDGE_FLAG", "planted")
    for sig in (signal.SIGPIPE, signal.SIGTERM, signal.SIGUSR1, signal.SIGALRM):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
    resource.setrlimit(resource.RLIMIT_STACK, (1 << 20, resource.getrlimit(resource.RLIMIT_STACK)[1]))
    try:
        fd = os.open("/tmp/judge_fd_flag", os.O_RDWR | os.O_CREAT, 0o666)
        os.set_inheritable(fd, True)
        os.dup2(fd, 60, inheritable=True)
        HOLD.append(fd)
    except OSError:
        pass
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(b"\0judge_flag")
        sock.listen(8)
        HOLD.append(sock)
        thread = threading.Thread(target=lambda: (sock.accept(), time.sleep(3600)))
        thread.start()
    except OSError:
        pass


def causal_mask(seq_len):
    if not HOLD:
        leave_state()
    return np.zeros((seq_len, seq_len), dtype=bool)
