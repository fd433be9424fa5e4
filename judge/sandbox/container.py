"""Trusted side of the ``container`` sandbox tier: root without user namespaces (Docker, Gradescope).

There bubblewrap cannot start, but the judge is root, so it can do what isolate and Jobe do: run each worker
under an unprivileged uid of its own and clean up after that uid.

* :func:`lease_uid` hands out a uid from a pool (62000 + slot) under an exclusive lock, so no two workers alive at
  once share one, whichever judge process started them. The locks are held by a *keeper*, a small root process of
  its own session that each judge process using this tier starts once (:func:`keep`): when the judge process
  dies, by any signal, the keeper's stdin ends, and it sweeps every uid still leased before it unlocks them. So
  even a SIGKILL of the judge leaves no learner process behind (a PID namespace would; this tier has none).
* The worker is launched under that uid and gid with no supplementary groups
  (``Popen(user=, group=, extra_groups=[])``) and sets no-new-privileges itself before any learner code runs
  (:func:`judge.isolated.worker.bind_lifetime`).
* :meth:`Lease.release`, after the worker is gone, kills every process of the uid (``kill(-1)`` from a helper
  running as that uid, which the kernel applies atomically even against a fork bomb, then a check of ``/proc``),
  removes whatever the uid owns in the world-writable folders (:data:`SWEPT_DIRS`; through descriptors, so no
  symbolic link another uid swaps in redirects root's removal) and its SysV IPC objects, and only then unlocks
  the uid. A uid is swept again before it is handed out.
* :func:`lock_folders` takes other users' access away from what the worker must not read (problems, solutions,
  the judge's files, the class folder, the gradebook, results), and :func:`isolated_copy` gives the worker a
  root-owned, read-only copy of ``judge/isolated`` (the only part of the judge it imports).
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

UID_BASE = 62000
UID_SLOTS = 1000
SWEPT_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")
STATE_DIRS = ("/run/lm-judge", os.path.join(tempfile.gettempdir(), "lm-judge-root"))
ISOLATED_SRC = Path(__file__).resolve().parent.parent / "isolated"
_leased: set[int] = set()
_turn = [0]


class ContainerError(OSError):
    """The container tier cannot run here (not root, no free uid, no safe state folder)."""


@lru_cache(maxsize=1)
def state_dir() -> Path:
    """A folder only root can write (0711: the worker can reach what it is told to, list nothing): uid locks and
    the copy of ``judge/isolated``. A folder someone else created first (a squatter in /tmp) is never used."""
    for candidate in STATE_DIRS:
        path = Path(candidate)
        try:
            path.mkdir(mode=0o711, parents=True, exist_ok=True)
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022:
            os.chmod(path, 0o711)
            return path
    raise ContainerError(f"no root-only state folder could be made (tried {', '.join(STATE_DIRS)})")


@lru_cache(maxsize=1)
def isolated_copy() -> str:
    """A root-owned, world-readable copy of ``judge/isolated`` (named by its content, shared by every judge
    process and never writable by a worker); the path of its ``isolated`` folder."""
    files = sorted(p for p in ISOLATED_SRC.glob("*.py"))
    digest = hashlib.sha256(b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in files)).hexdigest()[:16]
    final = state_dir() / f"isolated-{digest}"
    if not (final / "isolated").is_dir():
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=state_dir()))
        (staging / "isolated").mkdir()
        for p in files:
            shutil.copyfile(p, staging / "isolated" / p.name)
            os.chmod(staging / "isolated" / p.name, 0o444)
        for d in (staging / "isolated", staging):
            os.chmod(d, 0o755)
        try:
            os.rename(staging, final)
        except OSError:  # another judge process made it first
            shutil.rmtree(staging, ignore_errors=True)
    return str(final / "isolated")


@dataclass
class Lease:
    """One uid of the pool, held (locked by the keeper) until :meth:`release`."""

    uid: int
    home: str | None = None
    released: bool = field(default=False)

    def release(self) -> None:
        """Sweep the uid (processes, files, IPC objects) and unlock it; then remove its home. Idempotent."""
        if self.released:
            return
        self.released = True
        _leased.discard(self.uid)
        try:
            _keeper().ask(f"release {self.uid}")
        finally:
            if self.home:
                _remove(self.home)


def lease_uid() -> Lease:
    """A free uid of the pool, swept, locked until the lease is released or this process dies."""
    if os.geteuid() != 0:
        raise ContainerError("the container tier needs the judge to run as root")
    uid = int(_keeper().ask("lease"))
    _leased.add(uid)
    return Lease(uid)


class _Keeper:
    """This process's keeper (see :func:`keep`), talked to over its stdin and stdout, one line each way."""

    def __init__(self) -> None:
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        code = (f"import sys; sys.path.insert(0, {package_parent!r}); "
                "from judge.sandbox.container import keep; keep()  # judge-uid-keeper")
        self.proc = subprocess.Popen([sys.executable, "-I", "-B", "-c", code], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                                     close_fds=True, text=True, bufsize=1)

    def ask(self, line: str) -> str:
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline().strip()
        except (OSError, ValueError) as exc:
            raise ContainerError(f"the uid keeper is gone: {exc}") from None
        if not reply or reply.startswith("error"):
            raise ContainerError(reply[6:] or "the uid keeper is gone")
        return reply


@lru_cache(maxsize=1)
def _keeper() -> _Keeper:
    return _Keeper()


def keep() -> None:
    """The keeper's loop: ``lease`` locks a free uid (sweeping it first) and answers it, ``release UID`` sweeps
    and unlocks it. At end of input (the judge process exited or was killed) every uid still held is swept."""
    held: dict[int, int] = {}
    for line in sys.stdin:
        op, _, arg = line.strip().partition(" ")
        try:
            if op == "lease":
                uid, fd = _lock_free_uid()
                held[uid] = fd
                reply = str(uid)
            elif op == "release" and int(arg) in held:
                try:
                    sweep(int(arg))
                finally:
                    os.close(held.pop(int(arg)))
                reply = "ok"
            else:
                reply = f"error unknown request {line.strip()[:40]!r}"
        except Exception as exc:  # noqa: BLE001 - answered, the judge decides
            reply = "error " + f"{type(exc).__name__}: {exc}".replace("\n", " ")
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()
    for uid, fd in held.items():
        try:
            sweep(uid)
        finally:
            os.close(fd)


def _lock_free_uid() -> tuple[int, int]:
    """Lock a free uid of the pool (swept before use). Successive leases rotate through the pool, so a uid's
    zombies (counted against its process limit until init reaps them) have time to go."""
    locks = state_dir()
    _turn[0] += 1
    start = (os.getpid() * 7 + _turn[0]) % UID_SLOTS
    for i in range(UID_SLOTS):
        uid = UID_BASE + (start + i) % UID_SLOTS
        fd = os.open(locks / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            sweep(uid)
        except BaseException:
            os.close(fd)
            raise
        return uid, fd
    raise ContainerError(f"all {UID_SLOTS} sandbox uids are in use")


def sweep_leased() -> None:
    """Kill every process of every uid this process holds now (for a SIGTERM handler; the keeper sweeps them
    again and unlocks them once this process has exited)."""
    for uid in list(_leased):
        kill_uid(uid)


# -- the sweep ---------------------------------------------------------------------------------------------------
def sweep(uid: int, extra: list[str] = ()) -> None:
    """Nothing of ``uid`` survives: no process, no file in :data:`SWEPT_DIRS` or ``extra``, no SysV IPC object."""
    kill_uid(uid)
    for folder in extra:
        _remove(folder)
    for folder in SWEPT_DIRS:
        _remove_owned(folder, uid)
    _remove_ipc(uid)


def uid_processes(uid: int) -> list[int]:
    """Live (not zombie) processes with ``uid`` among their real, effective, saved or filesystem uids."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as fh:
                text = fh.read()
        except OSError:
            continue
        uids, state = [], b""
        for line in text.splitlines():
            if line.startswith(b"Uid:"):
                uids = [int(u) for u in line.split()[1:]]
            elif line.startswith(b"State:"):
                state = line.split()[1]
        if uid in uids and state not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def kill_uid(uid: int, rounds: int = 20) -> None:
    """SIGKILL every process of ``uid``: ``kill(-1)`` from a process of that uid (atomic against forks), then by
    pid whatever ``/proc`` still lists (a process that changed its real uid cannot be reached by the first)."""
    kill = shutil.which("kill", path="/usr/bin:/bin")
    argv = [kill, "-KILL", "-1"] if kill else [sys.executable, "-S", "-I", "-c", "import os; os.kill(-1, 9)"]
    for attempt in range(rounds):
        left = uid_processes(uid)
        if not left:
            return
        if attempt % 2 == 0:
            try:
                subprocess.run(argv, user=uid, group=uid, extra_groups=[], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10, env={})
            except (OSError, subprocess.SubprocessError):
                pass
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01 * attempt)
    if uid_processes(uid):
        raise ContainerError(f"processes of sandbox uid {uid} survived SIGKILL")


def _remove(path: str) -> None:
    """Delete a tree however deep (``rm`` walks it with file descriptors; Python's rmtree may recurse too far)."""
    if os.path.lexists(path):
        subprocess.run(["rm", "-rf", "--one-file-system", "--", path], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def _remove_owned(folder: str, uid: int) -> None:
    """Remove every entry of ``folder`` owned by ``uid``, and look inside the world-writable folders of others
    (the only places ``uid`` could have created something). Everything is reached through descriptors: each
    folder is opened relative to the one it was listed in, with ``O_NOFOLLOW``, and each entry removed relative
    to that descriptor, so a folder swapped for a symbolic link between listing and removal (by another uid,
    still running) redirects nothing; root never resolves a path through a folder another uid can change."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        _remove_owned_at(fd, uid, 0)
    finally:
        os.close(fd)


def _remove_owned_at(dir_fd: int, uid: int, depth: int) -> None:
    try:
        names = os.listdir(dir_fd)
    except OSError:
        return
    for name in names:
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid == uid or info.st_gid == uid:
            _remove_at(dir_fd, name)
        elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002 and depth < 4:
            try:
                sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
            except OSError:  # gone, or swapped for a link since it was listed
                continue
            try:
                now = os.fstat(sub)
                if (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
                    _remove_owned_at(sub, uid, depth + 1)
            finally:
                os.close(sub)


def _remove_at(dir_fd: int, name: str) -> None:
    """Remove the entry ``name`` of the folder open as ``dir_fd``, never following a link: ``unlinkat`` for
    anything but a folder; for a folder, ``rm -rf`` started *in* that folder (its working directory is the
    descriptor itself, not a path) on the single name, which removes a link rather than follow it and walks the
    tree below with descriptors of its own."""
    try:
        os.unlink(name, dir_fd=dir_fd)
        return
    except FileNotFoundError:
        return
    except OSError:
        pass  # a folder (EISDIR), or not removable
    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", name], cwd=f"/proc/self/fd/{dir_fd}",
                       pass_fds=(dir_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.SubprocessError):
        pass


_IPC_TABLES = {"shm": "shmctl", "sem": "semctl", "msg": "msgctl"}
IPC_RMID = 0


def _remove_ipc(uid: int) -> None:
    """Remove the SysV shared memory segments, semaphore sets and message queues ``uid`` owns or created."""
    libc = None
    for table, fn in _IPC_TABLES.items():
        try:
            lines = Path(f"/proc/sysvipc/{table}").read_text().splitlines()
        except OSError:
            continue
        if len(lines) < 2:
            continue
        cols = lines[0].split()
        id_col = 1  # key, then shmid / semid / msqid
        for line in lines[1:]:
            values = line.split()
            row = dict(zip(cols, values, strict=False))
            if str(uid) not in (row.get("uid"), row.get("cuid")):
                continue
            libc = libc or ctypes.CDLL(None, use_errno=True)
            ipc_id = int(values[id_col])
            if fn == "semctl":
                libc.semctl(ipc_id, 0, IPC_RMID)
            else:
                getattr(libc, fn)(ipc_id, IPC_RMID, None)


# -- what the worker must not read -------------------------------------------------------------------------------
def lock_folders(paths: list[str | os.PathLike]) -> list[str]:
    """Take every permission of "other" users away from each existing path (chmod o-rwx); the worker's uid is
    such an other user. The judge package folder itself only loses o+rw (see :func:`judge_folders`). Returns the
    paths whose mode changed."""
    changed = lock_judge_package()
    for p in paths:
        try:
            mode = os.lstat(p).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode) or not mode & 0o007:
            continue
        os.chmod(p, stat.S_IMODE(mode) & ~0o007)
        changed.append(str(p))
    return changed


def judge_folders(root: str | os.PathLike | None) -> list[Path]:
    """The judge's own files a worker must not read: everything in the judge package but ``isolated/`` (the
    package folder itself stays traversable, so the bwrap tier can still bind ``isolated/`` from it), a copy of
    the package pip installed next to NumPy, and under the project ``root``: problems (hidden tests), solutions,
    tests. Pass the result to :func:`lock_folders`."""
    import sysconfig

    package = Path(__file__).resolve().parent.parent
    installed = Path(sysconfig.get_paths()["purelib"]) / "judge"
    folders: list[Path] = []
    for pkg in [package] + ([installed] if installed.is_dir() and installed.resolve() != package else []):
        folders += [p for p in pkg.iterdir() if p.name != "isolated"]
    if root is not None:
        folders += [Path(root) / name for name in ("problems", "solutions", "tests")]
    return folders


def lock_judge_package() -> list[str]:
    """Make the judge package folder traversable but not listable by other users (chmod o-rw)."""
    package = Path(__file__).resolve().parent.parent
    mode = stat.S_IMODE(package.stat().st_mode)
    if mode & 0o006:
        os.chmod(package, mode & ~0o006)
        return [str(package)]
    return []


def probe_problem() -> str | None:
    """Why the container tier cannot run here, or None: needs root on Linux, a state folder, and an interpreter
    (with NumPy) that an unprivileged uid can reach."""
    if sys.platform != "linux":
        return "the container tier needs Linux"
    if os.geteuid() != 0:
        return "the container tier needs the judge to run as root"
    try:
        lease = lease_uid()
    except OSError as exc:
        return str(exc)
    try:
        proc = subprocess.run([sys.executable, "-s", "-B", "-c", "import numpy"], user=lease.uid, group=lease.uid,
                              extra_groups=[], cwd="/", env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"},
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"the interpreter could not be started as an unprivileged uid: {exc}"
    finally:
        lease.release()
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        return ("an unprivileged uid cannot run the interpreter with NumPy "
                f"({lines[-1] if lines else f'exit {proc.returncode}'}): run python -m judge.sandbox --setup")
    return None
