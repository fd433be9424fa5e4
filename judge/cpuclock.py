"""A worker's CPU time as the kernel counts it, read from outside through ``/proc/<pid>/stat``.

RLIMIT_CPU, the worker's own CPU limit, counts whole seconds, so a call with a 2 s budget could run up to 3 s of
CPU before it stopped. The executor reads this clock while it waits for a reply instead, and stops the call once
both the CPU time and the wall time it has taken reach the test's budget (requiring both means an odd CPU count
can never stop a call sooner than its budget in wall time). RLIMIT_CPU stays as the backstop.

The worker cannot influence the figures: the trusted side opens the file itself, and the file descriptor stays
bound to that one process (a later process with the same pid reads as gone).
"""

from __future__ import annotations

import os

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
MAX_DEPTH = 6  # bwrap -> bwrap's init -> zygote -> worker, with room to spare


class CpuClock:
    """User plus system CPU seconds of one process (all its threads), or None once it is gone."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @classmethod
    def find(cls, root_pid: int, ns_pid: int) -> CpuClock | None:
        """The clock of the descendant of ``root_pid`` (itself included) whose pid in its own namespace is
        ``ns_pid``; None when there is none or /proc cannot say (then only RLIMIT_CPU stops the worker)."""
        level = [root_pid]
        for _ in range(MAX_DEPTH):
            below: list[int] = []
            for pid in level:
                if _ns_pid(pid) == ns_pid:
                    try:
                        return cls(os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC))
                    except OSError:
                        return None
                below += _children(pid)
            if not below:
                return None
            level = below
        return None

    def seconds(self) -> float | None:
        try:
            raw = os.pread(self._fd, 1024, 0)
        except OSError:
            return None
        fields = raw[raw.rfind(b")") + 2 :].split()
        try:
            return (int(fields[11]) + int(fields[12])) / TICKS_PER_S  # utime, stime (fields 14 and 15)
        except (IndexError, ValueError):
            return None

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _ns_pid(pid: int) -> int | None:
    """The pid of ``pid`` in the innermost PID namespace it belongs to."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


def _children(pid: int) -> list[int]:
    try:
        names = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for tid in names:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                out += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return out
