"""An honest student who checks that nothing of an earlier student reached them: the reference answer when the
sandbox is clean, a wrong one (so the grade shows it) when anything an attacker could have left is there.

Under bwrap the probe has a PID and IPC namespace of its own: any other process or SysV segment is a leftover.
Under the container tier it shares the machine's, and runs as a pool uid (62000 + slot): what belongs to another
pool uid is a leftover."""
import os

import numpy as np

POOL = range(62000, 63000)
CONTAINER = os.getuid() in POOL


def suspect(uid):
    return uid in POOL if CONTAINER else True


def owner(pid):
    """The uid of a live process (-1 for a zombie, which runs nothing, or one that is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            if fh.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X"):
                return -1
        return os.stat(f"/proc/{pid}").st_uid
    except (OSError, IndexError):
        return -1


def leftovers():
    found = []
    for path in ("/dev/judge_flag", "/dev/shm/judge_flag", "/tmp/judge_flag", "/tmp/dddddddddddddddddddd",
                 "/tmp/.submission/__pycache__"):
        if os.path.exists(path):
            found.append(path)
    try:
        with open("/proc/sysvipc/shm") as fh:
            rows = [line.split() for line in fh.read().splitlines()[1:]]
            if any(suspect(int(row[7])) for row in rows if len(row) > 7):
                found.append("sysv shm")
    except OSError:
        pass
    others = [p for p in os.listdir("/proc")
              if p.isdigit() and int(p) not in (1, os.getpid()) and suspect(owner(p))]
    if others:
        found.append(f"processes {others}")
    return found


def causal_mask(seq_len):
    if leftovers():
        return np.zeros((seq_len, seq_len), dtype=bool)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
