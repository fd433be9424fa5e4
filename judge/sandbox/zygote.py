"""Trusted client of a zygote: one sandboxed process with NumPy imported that forks a fresh worker per submission.

Starting a worker costs an interpreter, NumPy and a sandbox (about 0.1 s of CPU); a class of thousands of pairs
pays that once per grading process instead of once per pair. The zygote runs in a bwrap sandbox of its own
(the same view as a worker's, minus any submission; the root is read-only, /tmp and /dev/shm are the only
writable places). The trusted side talks to it over a Unix socket that no worker can reach:

``spawn``
    The zygote forks a child that unshares new user, mount, PID and IPC namespaces for this submission alone
    (its own 64 MiB /tmp and 16 MiB /dev/shm, a read-only /dev) and forks their init (pid 1, not dumpable, dies
    with its parent); the init forks the worker, which takes the four pipe ends passed with the request
    (SCM_RIGHTS) as its request, reply, stdout and stderr, applies the rlimits, gives up every privilege, installs
    the syscall filter and serves (:mod:`judge.isolated.worker`). Everything of one submission dies with its init,
    and before each fork the zygote kills whatever it can still see of earlier ones (``kill(-1)``), so nothing (a
    stray process, a file, an IPC object) survives into the next; the submission's source arrives in the worker's
    ``hello`` frame, never as a mount.
``wait`` / ``kill``
    The exit status of a worker (Popen convention: ``-N`` for signal N), with a timeout; SIGKILL to its
    process group first for ``kill``.

The zygote and each init are not dumpable (PR_SET_DUMPABLE 0) and ptrace is filtered; a worker lives in a PID
namespace below the zygote's and cannot even name it. Should the control channel break anyway, the trusted side
kills the whole sandbox (every process in it dies with the namespace) and starts a new zygote for the next
submission.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
from typing import Any

from judge.isolated.zygote import SOLUTION_INSIDE, recv_message, send_message
from judge.sandbox.launch import SandboxSpec, build_zygote_launch, run_token

__all__ = ["SOLUTION_INSIDE", "Zygote", "ZygoteError", "ZygoteProcess", "zygote_for"]
STARTUP_S = 30.0
REPLY_S = 10.0


class ZygoteError(Exception):
    """The zygote could not be started or stopped answering; the caller treats it as the judge's failure."""


class Zygote:
    """Trusted side: starts the sandboxed zygote lazily and restarts it after any failure."""

    def __init__(self, spec: SandboxSpec) -> None:
        if spec.tier != "bwrap":
            raise ValueError("a zygote runs only in the bwrap tier")
        self.spec = spec
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
            launch = build_zygote_launch(self.spec, self._tmp.name, theirs.fileno(), run_token())
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
            hello, _ = recv_message(ours, STARTUP_S)
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
            send_message(self._sock, body, fds)
            reply, extra = recv_message(self._sock, timeout)
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


def zygote_for(spec: SandboxSpec) -> Zygote | None:
    """A zygote for ``spec``'s tier, or None where workers are started one by one (the process tier)."""
    return Zygote(spec) if spec.tier == "bwrap" else None


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


