"""An honest student who checks that nothing of an earlier student reached them: the reference answer when the
sandbox is clean, an error naming what it found (so the grade shows it) when anything an attacker could have left
is there.

Under bwrap the probe has a PID and IPC namespace of its own: any other process or SysV segment is a leftover.
Under the container tier it shares the machine's, and runs as a pool uid (62000 + slot): what belongs to another
pool uid is a leftover. Each kind of state an attacker in tests/redteam/submissions/cross_*.py leaves is checked
on its own (issue 19): working folder, files in every writable mount, SysV and POSIX IPC, processes, environment,
umask, signal dispositions and mask, rlimits, open descriptors, abstract unix sockets."""
import ctypes
import os
import resource
import signal
import socket

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


def process_state():
    """What the attacker cross_leave_process_state.py changes in a process, as this process sees it."""
    found = []
    mask = os.umask(0o022)
    os.umask(mask)
    if mask == 0:
        found.append("umask 000")
    if "JUDGE_FLAG" in os.environ:
        found.append("environment")
    if any(signal.getsignal(s) == signal.SIG_IGN for s in (signal.SIGTERM, signal.SIGUSR1, signal.SIGALRM)):
        found.append("signal dispositions")
    if signal.SIGUSR2 in signal.pthread_sigmask(signal.SIG_BLOCK, []):
        found.append("signal mask")
    if resource.getrlimit(resource.RLIMIT_STACK)[0] == 1 << 20:
        found.append("rlimit")
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if "judge_fd_flag" in target or "judge_cwd_flag" in target or int(fd) == 60:
            found.append(f"descriptor {fd} -> {target}")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(b"\0judge_flag")
            found.append("abstract unix socket")
        except OSError:
            pass
    return found


def named_objects():
    """A POSIX message queue an earlier worker created (refused by the filter: then this process cannot open one
    either, and nothing was created)."""
    libc = ctypes.CDLL(None, use_errno=True)
    qd = libc.mq_open(b"/judge_flag", os.O_RDONLY | os.O_NONBLOCK, 0, None)
    if qd >= 0:
        libc.mq_close(qd)
        return ["posix mqueue"]
    if ctypes.get_errno() == 13:  # EACCES: it exists, under another uid's umask
        return ["posix mqueue (not readable)"]
    return ["posix mqueue (file)"] if os.path.exists("/dev/mqueue/judge_flag") else []


def working_folder():
    """A flag an earlier worker wrote into its current directory, or folders it renamed there."""
    found = ["cwd flag"] if os.path.exists("judge_cwd_flag") else []
    try:
        found += [f"renamed {name}" for name in os.listdir(".") if name.endswith(".moved")]
    except OSError:
        pass
    return found


def leftovers():
    found = process_state() + named_objects() + working_folder()
    for path in ("/dev/judge_flag", "/dev/shm/judge_flag", "/tmp/judge_flag", "/tmp/dddddddddddddddddddd",
                 "/tmp/.submission/__pycache__", "/tmp/judge_fd_flag", "/tmp/judge_cwd_flag"):
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
    found = leftovers()
    if found:  # an error, not a pass: the grade shows what was left
        raise RuntimeError(f"leftovers of an earlier student: {found}")
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
