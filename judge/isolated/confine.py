"""What a process does to itself before learner code runs: fresh namespaces for one submission, no privileges,
and the syscall filter the trusted side built (:mod:`judge.sandbox.syscall_filter`). Linux only; ctypes over libc."""

from __future__ import annotations

import ctypes
import os
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 22, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
SECCOMP_MODE_FILTER = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


class ConfineError(OSError):
    """A confinement step failed: the process must not go on to run learner code."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise ConfineError(err, f"{what}: {os.strerror(err)}")


def _mount(source: bytes | None, target: bytes, fstype: bytes | None, flags: int, data: bytes | None = None) -> None:
    _check(_libc.mount(source, target, fstype, flags, data), f"mount {target.decode()}")


def hold_binds(folder: str = "/tmp") -> list[tuple[str, int]]:
    """The sandbox's read-only binds under ``folder`` (a virtual environment or the judge in a temporary folder),
    each held by an ``O_PATH`` descriptor: listed once by the zygote before any submission runs, and each
    submission checks that the path it binds back is still the very folder held (see
    :func:`new_submission_namespaces`)."""
    return [(point, os.open(point, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for point in _mounts_under(folder)]


def new_submission_namespaces(tmp_bytes: int, shm_bytes: int, held: list[tuple[str, int]] = ()) -> None:
    """Move this process into new user, mount, PID and IPC namespaces: its children start in a PID namespace
    of their own (the first one is its init), with a fresh size-capped ``/tmp`` and ``/dev/shm``, a read-only
    ``/dev`` and no IPC objects; nothing of an earlier submission is reachable from there. The ``/tmp`` and
    ``/dev/shm`` underneath (the zygote's) become read-only in these namespaces, ``held`` binds (see
    :func:`hold_binds`) are bound back into the new ``/tmp`` from their descriptors, and the process moves into the
    new ``/tmp``: its working folder is never the zygote's."""
    uid, gid = os.getuid(), os.getgid()
    # A non-dumpable process (the zygote is one) cannot write its own uid_map; invisible to the submission's
    # processes anyway (another PID namespace), this one may be dumpable. Its init is made non-dumpable again.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(DUMPABLE)")
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), "unshare")
    for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"),
                       ("/proc/self/gid_map", f"{gid} {gid} 1")):
        with open(path, "w") as fh:
            fh.write(text)
    _mount(None, b"/", None, MS_REC | MS_PRIVATE)
    # A mount can only be bound from this mount namespace: open each held bind again here, and refuse to go on
    # unless it is the folder the zygote held before any submission ran.
    binds = []
    for point, held_fd in held:
        fd = os.open(point, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        now, then = os.fstat(fd), os.fstat(held_fd)
        if (now.st_dev, now.st_ino) != (then.st_dev, then.st_ino):
            raise ConfineError(0, f"the bind at {point} is no longer the folder the zygote held")
        binds.append((point, fd))
    for shared in ("/tmp", "/dev/shm"):  # the zygote's own writable mounts, under what comes next (a /dev/shm
        if os.path.ismount(shared):  # that is only a folder of /dev turns read-only with /dev below)
            _mount(None, shared.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_bytes},mode=1777".encode())
    os.chdir("/tmp")
    for point, fd in binds:
        os.makedirs(point, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}".encode(), point.encode(), None, MS_BIND | MS_REC)
        os.close(fd)
    _mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, f"size={shm_bytes},mode=1777".encode())
    _mount(None, b"/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    if os.getcwd() != "/tmp" or os.statvfs(".").f_flag & os.ST_RDONLY:
        raise ConfineError(0, "the submission's working folder is not its own /tmp")


def _mounts_under(folder: str) -> list[str]:
    """The outermost mount points strictly below ``folder`` (from /proc/self/mountinfo)."""
    points = []
    with open("/proc/self/mountinfo", "rb") as fh:
        for line in fh:
            point = line.split()[4].decode("unicode_escape")
            if point.startswith(folder + "/") and os.path.isdir(point):
                points.append(point)
    outer: list[str] = []
    for point in sorted(points):
        if not any(point.startswith(o + "/") for o in outer):
            outer.append(point)
    return outer


def become_init() -> None:
    """In the first process of the new PID namespace: die with the parent, a /proc of this namespace, not
    dumpable (a same-uid process can neither trace it nor read its memory)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PDEATHSIG)")
    _mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV)
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")


def drop_privileges() -> None:
    """No capabilities (effective, permitted, inheritable, ambient, bounding) and no way to gain any."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows (or none held: nothing to drop)
    header = struct.pack("=Ii", LINUX_CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # two struct __user_cap_data_struct, all zero
    _check(_libc.capset(header, data), "capset")


def install_filter(program: bytes) -> None:
    """Apply a seccomp-BPF program (raw ``struct sock_filter`` instructions) to this process and its future
    children; needs no_new_privs (:func:`drop_privileges`)."""
    if not program or len(program) % 8:
        raise ConfineError(0, "malformed syscall filter")
    buf = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p).value)
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0), "prctl(SECCOMP)")
