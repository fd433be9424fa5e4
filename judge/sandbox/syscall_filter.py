"""The worker's syscall filter: a seccomp-BPF program built here (trusted side) with libseccomp, applied by the
worker to itself before any learner code runs (:func:`judge.isolated.confine.install_filter`).

The filter allows everything and refuses (``EPERM``; ``ENOSYS`` for ``clone3`` so glibc falls back to
``clone``) what a NumPy function never needs and an escape or a cross-student attack does:

- reaching other processes: ``ptrace``, ``process_vm_readv/writev``, ``kcmp``, ``pidfd_getfd``,
  ``pidfd_open``;
- leaving or reshaping the sandbox: ``unshare``, ``setns``, ``clone``/``clone3`` with namespace flags,
  ``chroot``, ``pivot_root``, the whole mount family, ``open_by_handle_at``/``name_to_handle_at``;
- kernel attack surface no numerical code touches: ``bpf``, ``perf_event_open``, ``userfaultfd``,
  ``io_uring_*``, ``keyctl``/``add_key``/``request_key``, ``kexec_*``, module loading, ``reboot``, ``swapon``,
  ``acct``, ``syslog``, ``quotactl``, ``iopl``/``ioperm``, ``modify_ldt``, ``personality``, NUMA page moves;
- state that outlives a process: SysV IPC (``shmget``, ``msgget``, ``semget`` and their operations) and named
  POSIX message queues (``mq_open``, ``mq_unlink`` and the calls on a queue), which live in an IPC namespace the
  container and process tiers share with later workers;
- process creation (:data:`PROCESS_CREATION`): ``fork``, ``vfork``, and ``clone`` without ``CLONE_THREAD``
  (``clone3`` is refused with ``ENOSYS`` whatever its flags, and glibc then falls back to ``clone``). A child
  reaped by the kernel (``SIGCHLD`` ignored) or a double-forked orphan adopted outside the submission's tree ran
  on CPU nobody was charged for; without children every cycle of a submission is its worker's own, threads
  included, which the trusted side's clock reads (:mod:`judge.sandbox.cpuclock`). No problem needs a subprocess.

Threads, memory mapping, files in the sandbox's own ``/tmp`` and signals stay allowed: a learner's honest code
(NumPy, threads) keeps working.
"""

from __future__ import annotations

import errno
import functools
import tempfile

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "pidfd_open",
    "unshare", "setns", "chroot", "pivot_root",
    "mount", "umount2", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "open_by_handle_at", "name_to_handle_at",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct", "syslog", "quotactl", "iopl", "ioperm",
    "modify_ldt", "personality", "migrate_pages", "move_pages", "lookup_dcookie", "vhangup",
    "sethostname", "setdomainname",
    "shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semctl",
    "semtimedop",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
)
PROCESS_CREATION = ("fork", "vfork")  # and clone without CLONE_THREAD, clone3 (see worker_filter)
CLONE_THREAD = 0x00010000
NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}


@functools.lru_cache(maxsize=1)
def worker_filter() -> bytes | None:
    """The filter as raw ``struct sock_filter`` instructions, or None where libseccomp cannot be loaded (then
    :func:`filter_problem` says why and workers run without one)."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError):
        return None
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (ValueError, RuntimeError, OSError):
            continue  # a syscall this architecture does not have (iopl on arm64, say)
    for name in PROCESS_CREATION:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (ValueError, RuntimeError, OSError):
            continue  # arm64 has no fork or vfork: glibc uses clone there
    for flag in NAMESPACE_FLAGS.values():  # a thread with namespaces of its own, too
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # A new process, not a thread: clone's flags (argument 0) without CLONE_THREAD.
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags sit in memory a filter cannot read
    with tempfile.TemporaryFile() as fh:
        rules.export_bpf(fh)
        fh.seek(0)
        return fh.read()


def filter_problem() -> str | None:
    """Why workers would run without a syscall filter here, or None when they get one."""
    if worker_filter() is not None:
        return None
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"libseccomp could not be loaded ({exc}); install libseccomp2"
    return "the syscall filter could not be built"
