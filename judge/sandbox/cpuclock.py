"""A submission's CPU time as the kernel counts it, read from outside through ``/proc``.

:class:`TreeClock` sums the CPU time of every process of a submission: the root of its process tree (the
sandbox of one submission, or a worker started on its own) and every descendant alive now, each with the time
of the children it has already reaped (``cutime``/``cstime``), so work done in a forked child counts whether the
child still runs or has exited, and an orphan reaped by the sandbox's init counts through that init. Where the
worker's syscall filter runs (:mod:`judge.sandbox.syscall_filter`) a submission has no child at all, and the tree is
the worker and its threads; without the filter, a child the kernel reaps (``SIGCHLD`` ignored) or an orphan adopted
outside the tree is not counted, which results say (``"cpu": "process-tree"``,
:func:`judge.sandbox.launch.containment`).

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
MAX_DEPTH = 8  # bwrap -> bwrap's init -> zygote -> submission -> its init -> worker, with room to spare
MAX_PROCESSES = 256  # a tree larger than any RLIMIT_NPROC we set: stop counting rather than walk forever


class TreeClock:
    """User plus system CPU seconds of a process tree (its root, every live descendant, and what each has reaped),
    read by the trusted side; None once the root is gone. File descriptors of the processes seen stay open, so
    a later process that reuses a pid reads as gone instead of being counted."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self._stat: dict[int, int] = {}
        self._children: dict[tuple[int, int], int] = {}
        self._root_fd = self._open_stat(root_pid)

    @classmethod
    def find(cls, root_pid: int, ns_pid: int, level: int = 1) -> TreeClock | None:
        """The tree of the descendant of ``root_pid`` whose pid at namespace ``level`` (index into NSpid: 0 is the
        host) is ``ns_pid``; None when there is none or /proc cannot say."""
        frontier = [root_pid]
        for _ in range(MAX_DEPTH):
            below: list[int] = []
            for pid in frontier:
                chain = _ns_pids(pid)
                if len(chain) > level and chain[level] == ns_pid:
                    clock = cls(pid)
                    return clock if clock._root_fd is not None else None
                below += _children(pid)
            if not below:
                return None
            frontier = below
        return None

    def _open_stat(self, pid: int) -> int | None:
        fd = self._stat.get(pid)
        if fd is None:
            try:
                fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None
            self._stat[pid] = fd
        return fd

    def _kids(self, pid: int, threads: int) -> list[int]:
        tids = [pid]
        if threads > 1:
            try:
                tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except (OSError, ValueError):
                return []
        out: list[int] = []
        for tid in tids:
            fd = self._children.get((pid, tid))
            if fd is None:
                try:
                    fd = os.open(f"/proc/{pid}/task/{tid}/children", os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    continue
                self._children[(pid, tid)] = fd
            try:
                out += [int(c) for c in os.pread(fd, 1 << 16, 0).split()]
            except (OSError, ValueError):
                continue
        return out

    def seconds(self) -> float | None:
        if self._root_fd is None:
            return None
        total, seen, todo = 0, set(), [self.root_pid]
        while todo and len(seen) < MAX_PROCESSES:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            fd = self._open_stat(pid)
            if fd is None:
                continue
            try:
                raw = os.pread(fd, 1024, 0)
            except OSError:  # gone: its time is in its parent's cutime once reaped
                if pid == self.root_pid:
                    return None
                os.close(self._stat.pop(pid))  # a new process may reuse the pid later
                continue
            fields = raw[raw.rfind(b")") + 2 :].split()
            try:
                # utime, stime, cutime, cstime (fields 14-17), num_threads (field 20)
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
                threads = int(fields[17])
            except (IndexError, ValueError):
                continue
            todo += self._kids(pid, threads)
        return total / TICKS_PER_S

    def close(self) -> None:
        for fd in [*self._stat.values(), *self._children.values()]:
            try:
                os.close(fd)
            except OSError:
                pass
        self._stat.clear()
        self._children.clear()
        self._root_fd = None


def _ns_pids(pid: int) -> list[int]:
    """The pids of ``pid`` in every PID namespace it belongs to, outermost (the host's) first."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"NSpid:"):
                    return [int(x) for x in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return []


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
