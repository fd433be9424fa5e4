"""A zygote: one sandboxed process with NumPy imported that forks a fresh worker per submission.

Starting a worker costs an interpreter, NumPy and a sandbox (about 0.1 s of CPU); a class of thousands of pairs
pays that once per grading process instead of once per pair. The zygote runs in a bwrap sandbox of its own
(the same view as a worker's, minus any submission; the root is read-only, /tmp and /dev/shm are the only
writable places). The trusted side talks to it over a Unix socket that no worker can reach:

``spawn``
    Before each fork the zygote SIGKILLs every other process in its PID namespace (``kill(-1)``) and empties
    /tmp and /dev/shm, so nothing of one submission (a stray process, a file) survives into the next. The
    child closes the control socket, takes the four pipe ends passed with the request (SCM_RIGHTS) as its
    request, reply, stdout and stderr, starts a session of its own, applies the rlimits and becomes a worker
    (:mod:`judge.worker`); the submission's source arrives later in its ``hello`` frame, never as a mount.
``wait`` / ``kill``
    The exit status of a worker (Popen convention: ``-N`` for signal N), with a timeout; SIGKILL to its
    process group first for ``kill``.

The zygote is not dumpable (PR_SET_DUMPABLE 0), so a worker of the same uid can neither ptrace it nor read its
memory. A worker that kills the zygote only breaks the control channel: the trusted side then kills the whole
sandbox (every process in it dies with the namespace) and starts a new zygote for the next submission.
"""

from __future__ import annotations

import array
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from judge.sandbox import SandboxSpec, build_zygote_launch, run_token

SOLUTION_INSIDE = "/tmp/.submission/solution.py"
MESSAGE_MAX = 1 << 16
STARTUP_S = 30.0
REPLY_S = 10.0


class ZygoteError(Exception):
    """The zygote could not be started or stopped answering; the caller treats it as the judge's failure."""


def _send(sock: socket.socket, body: dict, fds: list[int] = ()) -> None:
    data = json.dumps(body).encode()
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.sendall(data)


def _recv(sock: socket.socket, timeout: float | None) -> tuple[dict, list[int]]:
    if timeout is not None:
        ready, _, _ = select.select([sock], [], [], max(timeout, 0.0))
        if not ready:
            raise TimeoutError
    msg, fds, _, _ = socket.recv_fds(sock, MESSAGE_MAX, 8)
    if not msg:
        for fd in fds:
            os.close(fd)
        raise EOFError
    return json.loads(msg), fds


class Zygote:
    """Trusted side: starts the sandboxed zygote lazily and restarts it after any failure."""

    def __init__(self, spec: SandboxSpec, judge_dir: str) -> None:
        if spec.tier != "bwrap":
            raise ValueError("a zygote runs only in the bwrap tier")
        self.spec = spec
        self.judge_dir = judge_dir
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.started = 0

    @property
    def root_pid(self) -> int | None:
        """The host pid of the sandbox (bwrap); the workers are its descendants."""
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _start(self) -> None:
        self.close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._tmp = tempfile.TemporaryDirectory(prefix="judge-zygote-")
        try:
            launch = build_zygote_launch(self.spec, self.judge_dir, self._tmp.name, theirs.fileno(), run_token())
            self._proc = subprocess.Popen(
                launch.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                pass_fds=(theirs.fileno(),), env=launch.env, cwd=launch.cwd, start_new_session=True,
                close_fds=True, **launch.popen_kwargs,
            )
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            ours.close()
            self.close()
            raise ZygoteError(f"the sandbox could not be started: {exc}") from None
        finally:
            theirs.close()
        self._sock = ours
        self.started += 1
        try:
            hello, _ = _recv(ours, STARTUP_S)
        except (TimeoutError, EOFError, OSError, ValueError):
            detail = self._stderr_tail()
            self.close()
            raise ZygoteError(f"the sandbox did not start{': ' + detail if detail else ''}") from None
        if hello.get("op") != "ready":
            self.close()
            raise ZygoteError("the sandbox sent a malformed greeting")

    def _stderr_tail(self) -> str:
        if self._proc is None or self._proc.stderr is None:
            return ""
        try:
            self._proc.kill()
            text = self._proc.stderr.read(1 << 16).decode(errors="replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return text[-1][:300] if text else ""

    def _ask(self, body: dict, fds: list[int] = (), timeout: float = REPLY_S) -> dict:
        if not self.alive or self._sock is None:
            raise ZygoteError("the sandbox is gone")
        try:
            _send(self._sock, body, fds)
            reply, extra = _recv(self._sock, timeout)
        except (TimeoutError, EOFError, OSError, ValueError) as exc:
            self.close()
            raise ZygoteError(f"the sandbox stopped answering ({type(exc).__name__})") from None
        for fd in extra:
            os.close(fd)
        if not isinstance(reply, dict) or "error" in reply:
            self.close()
            raise ZygoteError(f"the sandbox failed: {reply.get('error') if isinstance(reply, dict) else reply}")
        return reply

    def spawn(self, fds: list[int], limits: dict[str, Any]) -> int:
        """Fork a worker on the pipe ends ``fds`` (request, reply, stdout, stderr); returns its pid in the sandbox.
        A dead zygote is restarted once."""
        for attempt in (0, 1):
            if not self.alive:
                self._start()
            try:
                reply = self._ask({"op": "spawn", "limits": limits}, fds)
            except ZygoteError:
                if attempt:
                    raise
                continue
            pid = reply.get("pid")
            if type(pid) is not int or pid <= 1:
                self.close()
                raise ZygoteError("the sandbox sent a malformed pid")
            return pid
        raise AssertionError("unreachable")

    def wait(self, pid: int, timeout: float) -> int | None:
        """The worker's exit status (``-N`` for signal N), or None if it still runs after ``timeout`` seconds."""
        status = self._ask({"op": "wait", "pid": pid, "timeout": timeout}, timeout=timeout + REPLY_S)["status"]
        return status if type(status) is int else None

    def kill(self, pid: int) -> int | None:
        """SIGKILL the worker's process group; its exit status."""
        status = self._ask({"op": "kill", "pid": pid})["status"]
        return status if type(status) is int else None

    def close(self) -> None:
        """Kill the whole sandbox: every process in its PID namespace dies with it."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if proc.stderr is not None:
                proc.stderr.close()
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def zygote_for(spec: SandboxSpec, judge_dir: str) -> Zygote | None:
    """A zygote for ``spec``'s tier, or None where workers are started one by one (the process tier)."""
    return Zygote(spec, judge_dir) if spec.tier == "bwrap" else None


class ZygoteProcess:
    """A worker forked by a zygote, with the part of the Popen interface the executor uses."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float) -> int:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.wait(self.pid, timeout)
            except ZygoteError:
                self.zygote.close()  # the worker dies with the sandbox
                self.returncode = -signal.SIGKILL
        if self.returncode is None:
            raise subprocess.TimeoutExpired("worker", timeout)
        return self.returncode

    def kill(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.kill(self.pid)
            except ZygoteError:
                self.zygote.close()
                self.returncode = -signal.SIGKILL
        return self.returncode


# -- inside the sandbox ----------------------------------------------------------------------------------------

def _status(raw: int) -> int:
    return -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)


def _wipe(folder: str) -> None:
    """Remove everything under ``folder`` (a previous submission's files), never following symlinks."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if os.path.ismount(entry.path):
                continue  # a read-only bind of the sandbox's view (the venv under /tmp, say): not the learner's
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.path, 0o700)
                _wipe(entry.path)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _clean_slate(children: dict[int, int | None]) -> None:
    """Kill every process of earlier submissions, reap our children, and empty the writable folders."""
    try:
        os.kill(-1, signal.SIGKILL)  # every process we may signal except ourselves (and the namespace's init)
    except ProcessLookupError:
        pass
    for pid in list(children):
        if children[pid] is None:
            try:
                _, raw = os.waitpid(pid, 0)
                children[pid] = _status(raw)
            except ChildProcessError:
                children[pid] = -signal.SIGKILL
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    for folder in ("/tmp", "/dev/shm"):
        _wipe(folder)
    # keep the table small: only the newest statuses matter
    for pid in list(children)[:-64]:
        del children[pid]


def _become_worker(ctl: socket.socket, fds: list[int], limits: dict) -> None:
    """In the forked child: never returns."""
    try:
        ctl.close()
        os.setsid()
        import fcntl

        # Move the received ends above every target number first, so no dup2 below clobbers another end.
        req, rep, out, err = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100) for fd in fds)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.dup2(req, 3)
        os.dup2(rep, 4)
        os.closerange(5, 1 << 16)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        from judge import worker

        worker.run(3, 4, limits)
    except BaseException:  # noqa: BLE001 - the child must never fall back into the zygote's loop
        pass
    os._exit(0)


def _handle(ctl: socket.socket, req: dict, fds: list[int], children: dict[int, int | None]) -> dict:
    op = req.get("op")
    if op == "spawn":
        if len(fds) != 4:
            return {"error": "spawn needs four file descriptors"}
        _clean_slate(children)
        pid = os.fork()
        if pid == 0:
            _become_worker(ctl, fds, req["limits"])
        for fd in fds:
            os.close(fd)
        children[pid] = None
        return {"pid": pid}
    pid = req.get("pid")
    if type(pid) is not int or pid not in children:
        return {"error": f"unknown worker {pid!r}"}
    if op == "kill" and children[pid] is None:
        for target in (-pid, pid):
            try:
                os.kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    if op == "kill" and children[pid] is None:
        _, raw = os.waitpid(pid, 0)  # SIGKILL cannot be ignored: it dies at once
        children[pid] = _status(raw)
    if children[pid] is None:
        deadline = time.monotonic() + float(req.get("timeout", 0))
        while True:
            got, raw = os.waitpid(pid, os.WNOHANG)
            if got:
                children[pid] = _status(raw)
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(0.002)
    if op == "kill":
        _clean_slate(children)  # the submission is over: nothing it started may keep running
    return {"status": children[pid]}


def serve(ctl_fd: int) -> None:
    """The zygote's loop (inside the sandbox): preload, greet, then serve requests until EOF."""
    import ctypes

    import numpy  # noqa: F401 - the point of a zygote: every worker forks with NumPy imported

    from judge import wire, worker  # noqa: F401

    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0: no ptrace, no /proc/<pid>/mem by same-uid peers
    gc.collect()
    gc.freeze()  # a worker's garbage collections skip what it inherited, so they do not copy every shared page
    ctl = socket.socket(fileno=ctl_fd)
    children: dict[int, int | None] = {}
    _send(ctl, {"op": "ready"})
    while True:
        try:
            req, fds = _recv(ctl, None)
        except (EOFError, OSError, ValueError):
            break
        try:
            reply = _handle(ctl, req, fds, children)
        except Exception as exc:  # noqa: BLE001 - reported to the trusted side, which restarts the zygote
            reply = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        _send(ctl, reply)
    os.kill(-1, signal.SIGKILL)
    os._exit(0)


def main() -> None:
    serve(int(sys.argv[1]))


if __name__ == "__main__":
    main()
