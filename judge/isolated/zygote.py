"""The zygote's loop, inside the sandbox: NumPy imported once, then one forked worker per submission.

This is the sandboxed half of :mod:`judge.sandbox.zygote` (whose trusted client starts it and talks to it over a
SOCK_SEQPACKET socket). Messages are small JSON objects; pipe ends travel with them as SCM_RIGHTS.
"""

from __future__ import annotations

import array
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import time

from judge.isolated import confine

SOLUTION_INSIDE = "/tmp/.submission/solution.py"
MESSAGE_MAX = 1 << 16
TMP_BYTES = 64 << 20  # each submission's own /tmp
SHM_BYTES = 16 << 20  # and /dev/shm


def send_message(sock: socket.socket, body: dict, fds: list[int] = ()) -> None:
    data = json.dumps(body).encode()
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.sendall(data)


def recv_message(sock: socket.socket, timeout: float | None) -> tuple[dict, list[int]]:
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


def _status(raw: int) -> int:
    return -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)


def _clean_slate(children: dict[int, int | None]) -> None:
    """Kill every process of earlier submissions that the zygote can still see and reap its children. (Each
    submission's own processes, files and IPC objects live in namespaces of their own that die with it.)"""
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
    # keep the table small: only the newest statuses matter
    for pid in list(children)[:-64]:
        del children[pid]


def _submission(ctl: socket.socket, fds: list[int], limits: dict, held: list[tuple[str, int]]) -> None:
    """In the zygote's forked child (never returns): new namespaces for this submission, then its init (the
    first process of the new PID namespace), which starts the worker. This process stays outside, waits for
    the init and ends the way the worker ended, so the zygote sees the worker's exit status or signal.
    Killing this process kills the init (its parent-death signal), and with it every process of the submission."""
    code = 70
    try:
        ctl.close()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        confine.new_submission_namespaces(TMP_BYTES, SHM_BYTES, held)
        for _, fd in held:
            os.close(fd)
        status_r, status_w = os.pipe()
        init = os.fork()
        if init == 0:
            os.close(status_r)
            _init(fds, limits, status_w)
        for fd in (*fds, status_w):
            os.close(fd)
        os.waitpid(init, 0)
        raw = os.read(status_r, 16)
        status = int(raw) if raw.strip().lstrip(b"-").isdigit() else -signal.SIGKILL
        if status < 0:
            signal.signal(-status, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [-status])
            os.kill(os.getpid(), -status)
            code = 128 - status
        else:
            code = status
    except BaseException as exc:  # noqa: BLE001 - never fall back into the zygote's loop
        _say(f"the submission's sandbox could not be set up: {type(exc).__name__}: {exc}")
    os._exit(code)


def _say(text: str) -> None:
    """One line on the zygote's stderr (the trusted side shows its tail when the sandbox fails)."""
    try:
        os.write(2, text.encode(errors="replace")[:500] + b"\n")
    except OSError:
        pass


def _init(fds: list[int], limits: dict, status_w: int) -> None:
    """PID 1 of a submission's namespace (never returns): start the worker, reap every orphan, and when the
    worker ends report how (Popen convention) and exit, which kills whatever else the submission left."""
    status = -signal.SIGKILL
    try:
        confine.become_init()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # as init, a signal with no handler is ignored
        worker_pid = os.fork()
        if worker_pid == 0:
            os.close(status_w)
            _become_worker(fds, limits)
        for fd in fds:
            os.close(fd)
        while True:
            pid, raw = os.wait()
            if pid == worker_pid:
                status = _status(raw)
                break
    except BaseException as exc:  # noqa: BLE001
        _say(f"the submission's init failed: {type(exc).__name__}: {exc}")
    try:
        os.write(status_w, str(status).encode())
    finally:
        os._exit(0)


def _become_worker(fds: list[int], limits: dict) -> None:
    """In the worker process (never returns): the four pipe ends as fds 0-4, a session of its own, then the
    worker's loop (limits, no privileges and the syscall filter come first, in :func:`worker.run`)."""
    try:
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
        from judge.isolated import worker

        worker.run(3, 4, limits)
    except BaseException:  # noqa: BLE001 - the child must never fall back into the zygote's loop
        pass
    os._exit(0)


def _handle(ctl: socket.socket, req: dict, fds: list[int], children: dict[int, int | None],
            held: list[tuple[str, int]]) -> dict:
    op = req.get("op")
    if op == "spawn":
        if len(fds) != 4:
            return {"error": "spawn needs four file descriptors"}
        _clean_slate(children)
        pid = os.fork()
        if pid == 0:
            _submission(ctl, fds, req["limits"], held)
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

    from judge.isolated import wire, worker  # noqa: F401

    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0: no ptrace, no /proc/<pid>/mem by same-uid peers
    gc.collect()
    gc.freeze()  # a worker's garbage collections skip what it inherited, so they do not copy every shared page
    ctl = socket.socket(fileno=ctl_fd)
    children: dict[int, int | None] = {}
    held = confine.hold_binds("/tmp")  # before any submission: what later ones bind back, by descriptor
    send_message(ctl, {"op": "ready"})
    while True:
        try:
            req, fds = recv_message(ctl, None)
        except (EOFError, OSError, ValueError):
            break
        try:
            reply = _handle(ctl, req, fds, children, held)
        except Exception as exc:  # noqa: BLE001 - reported to the trusted side, which restarts the zygote
            reply = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        send_message(ctl, reply)
    os.kill(-1, signal.SIGKILL)
    os._exit(0)


def main() -> None:
    serve(int(sys.argv[1]))


if __name__ == "__main__":
    main()
