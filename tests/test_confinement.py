"""What a worker can do to itself and its neighbours (judge/isolated/confine.py, judge/sandbox/syscall_filter.py):
the syscall filter refuses what NumPy never needs (process creation and named POSIX message queues included),
honest work (threads, NumPy, files in /tmp) still runs, and
in the bwrap tier every submission has its own /tmp, /dev/shm, IPC namespace, PID namespace and a read-only
/dev. Each probe runs in a real worker, through the same Executor the judge uses."""

from __future__ import annotations

import pytest

from judge.engine.executor import Executor, Limits
from judge.sandbox.launch import SandboxSpec, available_tiers, containment
from judge.sandbox.syscall_filter import DENIED, PROCESS_CREATION, worker_filter
from judge.sandbox.zygote import Zygote

PROBE = '''
import ctypes, errno, os, threading
import numpy as np

libc = ctypes.CDLL(None, use_errno=True)


def err(result):
    return 0 if result == 0 else ctypes.get_errno()


def probe():
    out = {}
    out["ptrace"] = err(libc.ptrace(16, os.getppid(), None, None))  # PTRACE_ATTACH
    out["unshare"] = err(libc.unshare(0x10000000))  # CLONE_NEWUSER
    out["mount"] = err(libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None))
    out["shmget"] = 0 if libc.shmget(0x1234, 4096, 0o1666) >= 0 else ctypes.get_errno()
    out["perf_event_open"] = 0 if libc.syscall(298, None, 0, -1, -1, 0) >= 0 else ctypes.get_errno()
    box = []
    t = threading.Thread(target=lambda: box.append(int(np.arange(10).sum())))
    t.start()
    t.join()
    out["thread"] = box
    out["mq_open"] = 0 if libc.mq_open(b"/judge_probe", 0o100 | 2, 0o600, None) >= 0 else ctypes.get_errno()
    for how in ("fork", "subprocess", "posix_spawn"):
        try:
            if how == "fork":
                pid = os.fork()
                if pid == 0:
                    os._exit(7)
            elif how == "subprocess":
                import subprocess
                pid = subprocess.Popen(["/bin/true"]).pid
            else:
                pid = os.posix_spawn("/bin/true", ["true"], {})
            os.waitpid(pid, 0)
            out[how] = 0
        except OSError as exc:
            out[how] = exc.errno
    with open("probe_written", "w") as fh:  # its working folder: /tmp in bwrap, a private folder otherwise
        out["tmp_write"] = fh.write("ok")
    try:
        open("/dev/flag", "w").close()
        out["dev_write"] = 0
    except OSError as exc:
        out["dev_write"] = exc.errno
    out["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    out["my_pid"] = os.getpid()
    return out
'''


def run_probe(tmp_path, tier: str, zygote: Zygote | None) -> dict:
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    allowed = ["ctypes", "errno", "os", "threading", "numpy", "subprocess"]
    executor = Executor(path, ["probe"], allowed, Limits(time_s=5.0), sandbox=SandboxSpec(tier), zygote=zygote)
    try:
        outcome = executor.call("probe", (), {}, 5.0)
    finally:
        executor.close()
    assert outcome.verdict == "ok", outcome.message
    return outcome.value[0]


SETUPS = [("process", False), ("bwrap", False), ("bwrap", True)]


@pytest.mark.parametrize("tier, forked", SETUPS, ids=["process", "bwrap", "bwrap-zygote"])
def test_the_filter_refuses_what_numpy_never_needs_and_honest_work_runs(tier, forked, tmp_path):
    if tier not in available_tiers():
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    if worker_filter() is None:
        pytest.skip("libseccomp is not available here")
    zygote = Zygote(SandboxSpec(tier)) if forked else None
    try:
        seen = run_probe(tmp_path, tier, zygote)
    finally:
        if zygote is not None:
            zygote.close()
    for call in ("ptrace", "unshare", "mount", "shmget", "perf_event_open", "mq_open", "fork", "subprocess",
                 "posix_spawn"):
        assert seen[call] == 1, (call, seen[call])  # EPERM from the filter
    assert containment(tier)["processes"] == "refused" and containment(tier)["cpu"] == "worker"  # what results say
    assert seen["thread"] == [45] and seen["tmp_write"] == 2
    if forked:  # a namespace of its own: its init (pid 1) and itself, nothing of any other submission
        assert seen["pids"] == [1, seen["my_pid"]], seen["pids"]
        assert seen["dev_write"] == 30  # EROFS: /dev is read-only


def test_the_denied_list_names_the_calls_the_issue_requires():
    for call in ("ptrace", "process_vm_readv", "process_vm_writev", "unshare", "setns", "mount", "keyctl", "bpf",
                 "perf_event_open", "mq_open", "mq_unlink"):
        assert call in DENIED
    assert set(PROCESS_CREATION) == {"fork", "vfork"}


def test_python_m_judge_sandbox_says_per_tier_how_it_charges_and_sweeps(capsys):
    from judge.sandbox.launch import main

    assert main([]) == 0
    out = capsys.readouterr().out
    for tier in available_tiers():
        how = containment(tier)
        assert (f"  {tier}: child processes {how['processes']}, CPU charged: {how['cpu']}, memory limited: "
                f"{how['memory']}, after each submission: {how['leftovers']}") in out
    assert containment("container")["leftovers"] == "uid-sweep" and containment("bwrap")["leftovers"] == "namespaces"
