"""How the worker process is launched: the sandbox tier, its command line, environment and working dir.

Tiers, strongest first:

``bwrap``
    The worker runs under bubblewrap with every namespace unshared (no network; its own PID namespace, so
    nothing it starts outlives it), a minimal read-only view (the interpreter, its site-packages with NumPy, the
    judge's worker code and a private copy of the submission; no problems/, solutions/, tests, gradebook or
    other students' files), a private size-capped /tmp, no capabilities and a cleared environment. When the judge
    runs as root, bubblewrap itself is started under an unprivileged uid, because a uid mapped to root inside a
    user namespace could still read root's files through a bind.
``container``
    For a judge running as root where bubblewrap cannot start (Docker, Gradescope): the worker is a plain
    subprocess under an unprivileged uid of its own (a pool, see :mod:`judge.sandbox.container`) and its gid, with no
    supplementary groups, no new privileges, in its own session, with a private home folder as its working and
    temporary folder. The folders it must not read (problems, solutions, the judge, class folder, gradebook,
    results) are made unreachable to other users by the command that grades; it imports a root-owned copy of
    ``judge/isolated``. After it ends, every process of its uid is killed and every file or IPC object the uid owns
    in the world-writable folders is removed before the uid serves another submission. No namespaces: it shares
    the network and sees other processes.
``process``
    A plain subprocess in a new session with the same environment, working directory, protocol and verdicts, for
    machines without bubblewrap or user namespaces. It keeps honest code honest; it does not stop a determined
    attacker from reading files the judge's user can read.

In every tier the worker applies rlimits (address space, CPU, file size, open files, processes, no core files),
gives up every privilege (no_new_privs, no capabilities) and installs the seccomp filter
(:mod:`judge.sandbox.syscall_filter`) before any learner code runs (:func:`judge.isolated.worker.run`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TIERS = ("bwrap", "container", "process")
SUBMISSION_DIR_INSIDE = "/sandbox/sub"
SOLUTION_NAME = "solution.py"
JUDGE_INSIDE = "/sandbox/judge"  # holds only isolated/: the trusted code is not even readable inside
ISOLATED_DIR = str(Path(__file__).resolve().parent.parent / "isolated")
TMP_SIZE_BYTES = 64 << 20
SANDBOX_UID_BASE = 61000
SANDBOX_UID_SLOTS = 1000

# The bootstrap makes ``judge.isolated`` importable (and nothing else of the judge) without putting the judge's
# parent folder (which may hold the problems and solutions) on sys.path, and removes the working directory from
# sys.path.
BOOT = (
    "import sys, types; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "m = types.ModuleType('judge'); m.__path__ = []; sys.modules['judge'] = m; "
    "i = types.ModuleType('judge.isolated'); i.__path__ = [{isolated_dir!r}]; sys.modules['judge.isolated'] = i; "
    "m.isolated = i; from judge.isolated.worker import main; main()  # judge-worker:{token}"
)
ZYGOTE_BOOT = BOOT.replace("from judge.isolated.worker import main", "from judge.isolated.zygote import main")
WORKER_MARK = "judge-worker:"


def run_token() -> str:
    """A fresh token for a worker's or zygote's command line, prefixed with $JUDGE_RUN_TAG when set (so a test can
    find every process of its runs)."""
    import secrets

    tag = "".join(c for c in os.environ.get("JUDGE_RUN_TAG", "") if c.isalnum() or c == "-")[:32]
    token = f"{tag}-{secrets.token_hex(8)}" if tag else secrets.token_hex(8)
    _TOKENS.append(token)
    return token


_TOKENS: deque[str] = deque(maxlen=256)  # the latest tokens of this process, for reap_all_strays


def reap_all_strays() -> int:
    """:func:`reap_strays` for every token this process handed out lately (a SIGTERM handler's last sweep: what
    the workers of the process tier forked, daemons included)."""
    return sum(reap_strays(token) for token in list(_TOKENS))


def reap_strays(token: str) -> int:
    """SIGKILL every process whose command line carries this worker's token (process tier: a daemon started
    with double fork and setsid escapes the process group, but keeps the command line it was started with)."""
    import signal

    mark = (WORKER_MARK + token).encode()
    killed = 0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
        except (OSError, ValueError):
            continue
    return killed


def kill_tree(pid: int, spare_root: bool = False) -> int:
    """SIGKILL ``pid`` (unless ``spare_root``) and every descendant it has now (a sandbox's init that cleared its
    parent-death signal included: killing a PID namespace's init kills the whole namespace). Returns how many
    were signalled."""
    import signal

    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if Path("/proc").is_dir() else ():
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_bytes()
            ppid = int(raw[raw.rfind(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    killed = 0
    for target in tree[1:] if spare_root else tree:
        try:
            os.kill(target, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
    return killed


@dataclass
class SandboxSpec:
    """Which tier runs the worker, and what that tier implies (the only place outside this room that names a tier
    is the command line's --sandbox choice; ``tests/test_fitness.py`` checks that no other room compares one)."""

    tier: str = "process"

    @property
    def weak(self) -> bool:
        """The ``process`` tier: the worker may read what the judge's user can, and nothing it starts is contained
        (its strays are found by the token in their command line); grading refuses it unless allowed."""
        return self.tier == "process"

    @property
    def leases_uids(self) -> bool:
        """The ``container`` tier: each worker runs under a uid leased from a pool, so the folders it must not read
        are first locked away from other users."""
        return self.tier == "container"

    @property
    def forks_from_zygote(self) -> bool:
        """Workers may be forked from a zygote (``bwrap``)."""
        return self.tier == "bwrap"

    @property
    def limits_processes(self) -> bool:
        """RLIMIT_NPROC counts only this submission's processes (its own uid, or its own PID namespace)."""
        return self.tier in ("bwrap", "container")


@dataclass
class Launch:
    """Everything needed to start one worker."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    popen_kwargs: dict = field(default_factory=dict)
    signal_offset: int = 0  # bwrap reports a child killed by signal N as exit status 128 + N
    cleanup: Callable[[], None] | None = None  # run once the worker is dead (container tier: sweep its uid)


def worker_env(home: str) -> dict[str, str]:
    """The fixed, minimal environment of a worker: nothing of the judge's own environment leaks in."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "TMPDIR": home,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        # Kernel selection for OpenBLAS on CPUs where its default misbehaves; not secrets, kept when set.
        **{k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
    }


def sandbox_uid() -> int:
    """An unprivileged uid for this judge process (a pool slot, so parallel graders rarely share one)."""
    return SANDBOX_UID_BASE + os.getpid() % SANDBOX_UID_SLOTS


def _bwrap_user() -> dict:
    """Popen arguments that start bubblewrap as the unprivileged sandbox uid when the judge runs as root."""
    if os.geteuid() != 0:
        return {}
    uid = sandbox_uid()
    return {"user": uid, "group": uid, "extra_groups": []}


def _python_roots() -> list[str]:
    roots = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    roots.add(str(Path(sys.executable).parent.parent))
    return sorted(r for r in roots if r not in ("/", "/usr"))


def _bwrap_argv(submission_dir: str | None, inner: list[str], env: dict[str, str]) -> list[str]:
    argv = [
        shutil.which("bwrap") or "bwrap",
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(TMP_SIZE_BYTES), "--tmpfs", "/tmp",
        "--dir", "/sandbox",
    ]
    if Path("/usr/lib64").exists():
        argv += ["--symlink", "usr/lib64", "/lib64"]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if Path(etc).exists():
            argv += ["--ro-bind", etc, etc]
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    venv = Path(sys.prefix)
    if str(venv) != str(venv.resolve()):
        argv += ["--ro-bind", str(venv.resolve()), str(venv)]
    argv += ["--ro-bind", ISOLATED_DIR, f"{JUDGE_INSIDE}/isolated"]
    if submission_dir is not None:
        argv += ["--ro-bind", submission_dir, SUBMISSION_DIR_INSIDE]
    else:  # a zygote: nothing it can write once set up (each submission mounts its own /tmp and /dev/shm)
        argv += ["--remount-ro", "/", "--remount-ro", "/tmp", "--remount-ro", "/dev"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", "/tmp", "--"]
    return argv + inner


def build_launch(
    spec: SandboxSpec, workdir: str, req_fd: int, rep_fd: int, limits: str, token: str = "",
) -> Launch:
    """Command, environment and working directory that start a worker under ``spec``.

    ``workdir`` is a private temporary folder of the trusted side: the process tier's working directory; in the
    bwrap tier, its ``sub`` folder is bound read-only into the sandbox, and :func:`place_solution` puts the
    private copy of the submission there.
    """
    if spec.tier == "process":
        boot = BOOT.format(isolated_dir=ISOLATED_DIR, token=token)
        inner = [sys.executable, "-s", "-B", "-c", boot, str(req_fd), str(rep_fd), limits, str(os.getpid())]
        return Launch(inner, worker_env(workdir), workdir)
    if spec.tier == "bwrap":
        sub = Path(workdir) / "sub"
        sub.mkdir(mode=0o755, exist_ok=True)
        os.chmod(workdir, 0o755)
        os.chmod(sub, 0o755)
        boot = BOOT.format(isolated_dir=f"{JUDGE_INSIDE}/isolated", token=token)
        inner = [sys.executable, "-s", "-B", "-c", boot, str(req_fd), str(rep_fd), limits]
        env = worker_env("/tmp")
        return Launch(_bwrap_argv(str(sub), inner, env), {}, workdir, _bwrap_user(), 128)
    if spec.tier == "container":
        return _container_launch(workdir, req_fd, rep_fd, limits, token)
    raise ValueError(f"unknown sandbox tier {spec.tier!r}")


def build_zygote_launch(spec: SandboxSpec, workdir: str, ctl_fd: int, token: str = "") -> Launch:
    """Command that starts a zygote (see :mod:`judge.sandbox.zygote`) in a bwrap sandbox with no submission in it."""
    if spec.tier != "bwrap":
        raise ValueError("a zygote runs only in the bwrap tier")
    os.chmod(workdir, 0o755)
    boot = ZYGOTE_BOOT.format(isolated_dir=f"{JUDGE_INSIDE}/isolated", token=token)
    inner = [sys.executable, "-s", "-B", "-c", boot, str(ctl_fd)]
    return Launch(_bwrap_argv(None, inner, worker_env("/tmp")), {}, workdir, _bwrap_user(), 128)


def place_solution(spec: SandboxSpec, workdir: str, solution: str) -> str:
    """Make ``solution`` visible to a launched worker; returns the path the worker loads it from."""
    if spec.tier == "bwrap":
        copy = Path(workdir) / "sub" / SOLUTION_NAME
        shutil.copyfile(solution, copy)
        os.chmod(copy, 0o444)
        return f"{SUBMISSION_DIR_INSIDE}/{SOLUTION_NAME}"
    if spec.tier == "container":
        sub = Path(workdir) / "sub"
        copy = sub / SOLUTION_NAME
        shutil.copyfile(solution, copy)
        gid = sub.stat().st_gid
        os.chown(copy, 0, gid)
        os.chmod(copy, 0o440)  # the worker's gid reads it; no other sandbox uid, and no one but root writes it
        return str(copy)
    return solution


def _container_launch(workdir: str, req_fd: int, rep_fd: int, limits: str, token: str) -> Launch:
    """A worker under a leased unprivileged uid (see :mod:`judge.sandbox.container`): ``workdir`` (root's, 0711) holds
    ``home`` (the uid's, 0700: its working and temporary folder) and ``sub`` (root's, readable by the uid's gid
    only: the copy of the submission)."""
    from judge.sandbox import container

    isolated = container.isolated_copy()
    lease = container.lease_uid()
    try:
        home, sub = Path(workdir) / "home", Path(workdir) / "sub"
        home.mkdir(mode=0o700)
        sub.mkdir(mode=0o750)
        os.chown(home, lease.uid, lease.uid)
        os.chown(sub, 0, lease.uid)
        os.chmod(workdir, 0o711)
        lease.home = str(home)
        boot = BOOT.format(isolated_dir=isolated, token=token)
        inner = [sys.executable, "-s", "-B", "-c", boot, str(req_fd), str(rep_fd), limits, str(os.getpid())]
        popen = {"user": lease.uid, "group": lease.uid, "extra_groups": [], "umask": 0o077}
        return Launch(inner, worker_env(str(home)), str(home), popen, cleanup=lease.release)
    except BaseException:
        lease.release()
        raise


LEFTOVERS = {
    "bwrap": "namespaces",  # everything of a submission lives in namespaces of its own that die with it
    "container": "uid-sweep",  # its uid's processes killed, its files and IPC objects removed, by descriptors
    "process": "process-group",  # its process group and whatever carries its token in the command line killed
}


def containment(tier: str) -> dict[str, str]:
    """How a worker of ``tier`` is charged and cleaned up, as each result records it (``containment``):
    ``processes`` is ``refused`` where the syscall filter refuses process creation (then ``cpu`` is ``worker``:
    every cycle is the worker's own, threads included, read from /proc by the trusted side), else ``allowed``
    (``cpu`` is ``process-tree``: live descendants and what their parents reaped; a child the kernel reaps or an
    orphan adopted outside the tree is not charged). ``memory`` is the address-space limit: ``per-submission``
    when the submission is its one worker process, else ``per-process`` (no cgroup limits a submission).
    ``leftovers`` says what is swept after a submission (:data:`LEFTOVERS`)."""
    from judge.sandbox.syscall_filter import worker_filter

    refused = worker_filter() is not None
    return {
        "processes": "refused" if refused else "allowed",
        "cpu": "worker" if refused else "process-tree",
        "memory": "per-submission" if refused else "per-process",
        "leftovers": LEFTOVERS.get(tier, "process-group"),
    }


@lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether bubblewrap can start a fully unshared sandbox here (as the uid the judge would use)."""
    return bwrap_problem() is None


def bwrap_problem() -> str | None:
    """Why the bwrap tier cannot run here, or None when it can."""
    exe = shutil.which("bwrap")
    if sys.platform != "linux":
        return "bubblewrap needs Linux"
    if exe is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap; or run make sandbox)"
    kwargs = _bwrap_user()
    argv = [exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    argv += ["--", sys.executable, "-s", "-S", "-c", "pass"]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=20, **kwargs)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap could not be started: {exc}"
    if proc.returncode == 0:
        return None
    text = proc.stderr.decode(errors="replace").strip().splitlines()
    reason = text[-1] if text else f"exit status {proc.returncode}"
    if "Permission denied" in reason and os.geteuid() == 0:
        reason += ("; the sandbox uid cannot reach the interpreter (a parent folder is not searchable by other "
                   "users): run make sandbox, or python -m judge.sandbox --setup")
    elif "namespace" in reason.lower() or "Operation not permitted" in reason:
        reason += "; unprivileged user namespaces appear disabled (sysctl kernel.unprivileged_userns_clone=1)"
    return reason


def setup_for_root() -> list[str]:
    """As root: make every folder above the interpreter searchable (o+x, not readable) so the unprivileged
    sandbox uid can reach it. Returns the folders changed."""
    changed = []
    if os.geteuid() != 0:
        return changed
    for root in _python_roots():
        for folder in reversed(Path(root).parents):
            mode = folder.stat().st_mode
            if not mode & 0o001:
                folder.chmod(mode | 0o001)
                changed.append(str(folder))
    return changed




@lru_cache(maxsize=1)
def container_works() -> bool:
    """Whether the container tier can run here (root, and an unprivileged uid can start the interpreter)."""
    from judge.sandbox.container import probe_problem

    return probe_problem() is None


def tier_available(tier: str) -> bool:
    """Whether ``tier`` can run here (each check runs once per process)."""
    if tier == "bwrap":
        return bwrap_works()
    if tier == "container":
        return sys.platform == "linux" and os.geteuid() == 0 and container_works()
    return tier == "process"


def available_tiers() -> list[str]:
    """The tiers this machine can run, strongest first: ``bwrap`` where it works, else ``container`` for a judge
    running as root, and ``process`` always. ``JUDGE_SANDBOX`` (one of :data:`TIERS`) puts that tier first when it
    is available; ``container`` and ``process`` then stand for a machine where bubblewrap cannot start (it is not
    even probed)."""
    forced = os.environ.get("JUDGE_SANDBOX")
    tiers = ["bwrap"] if forced not in ("container", "process") and tier_available("bwrap") else []
    if (forced == "container" or not tiers) and os.geteuid() == 0 and tier_available("container"):
        tiers.append("container")
    tiers.append("process")
    if forced in TIERS and forced in tiers:
        return [forced] + [t for t in tiers if t != forced]
    return tiers


def select_sandbox(requested: str = "auto") -> SandboxSpec:
    """The strongest available tier for ``auto``, else the requested tier (ValueError if unavailable)."""
    if requested == "auto":
        return SandboxSpec(tier=available_tiers()[0])
    if requested not in TIERS:
        raise ValueError(f"unknown sandbox tier {requested!r}; choose one of {', '.join(TIERS)} or auto")
    if not tier_available(requested):
        how = ("the judge must run as root, and an unprivileged uid must be able to start the interpreter "
               "(python -m judge.sandbox --setup)" if requested == "container" else
               "install bubblewrap and allow unprivileged user namespaces")
        raise ValueError(f"sandbox tier {requested!r} is not available on this machine ({how})")
    return SandboxSpec(tier=requested)


def main(argv: list[str] | None = None) -> int:
    """``python -m judge.sandbox [--setup]``: say which tiers run here, and why bwrap does not."""
    args = sys.argv[1:] if argv is None else argv
    if "--setup" in args:
        for folder in setup_for_root():
            print(f"made {folder} searchable by the sandbox uid (chmod o+x)")
        bwrap_works.cache_clear()
        container_works.cache_clear()
    problem = bwrap_problem()
    tiers = available_tiers()
    print(f"sandbox tiers available: {', '.join(tiers)}")
    for tier in tiers:
        how = containment(tier)
        print(f"  {tier}: child processes {how['processes']}, CPU charged: {how['cpu']}, memory limited: "
              f"{how['memory']}, after each submission: {how['leftovers']}")
    from judge.sandbox.syscall_filter import filter_problem

    if (why_no_filter := filter_problem()) is not None:
        print(f"no syscall filter: {why_no_filter}")
    if problem:
        print(f"bwrap tier unavailable: {problem}")
        from judge.sandbox.container import probe_problem

        why = probe_problem()
        if why:
            print(f"container tier unavailable: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
