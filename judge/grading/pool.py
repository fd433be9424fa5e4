"""A pool of N long-lived grading children (``python -m judge.grading.child``), fed over stdin/stdout.

Each child grades one pair at a time. A child that dies, writes garbage or passes its deadline is killed and
replaced; the pair it held counts as a failure of the judge. Every failure (a child's error reply, a dead child, a
result with a ``judge_error`` test) is retried once; the second failure is final. Children are recycled after
``recycle_after`` pairs so their memory stays bounded however large the class.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .gradebook import grade_status


@dataclass
class Task:
    """One pair to grade: ``request`` goes to the child; ``meta`` stays with the parent."""

    request: dict[str, Any]
    meta: Any = None
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


class _Child:
    def __init__(self, env: dict[str, str], log: IO[bytes] | int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "judge.grading.child"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log, env=env, start_new_session=True,
        )
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.buf = bytearray()
        self.task: Task | None = None
        self.deadline = 0.0
        self.served = 0

    def send(self, task: Task, deadline: float) -> None:
        self.task, self.deadline = task, deadline
        self.proc.stdin.write((json.dumps(task.request) + "\n").encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def stop(self) -> None:
        """Ask an idle child to exit (EOF on stdin), then make sure it did."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class GradingPool:
    """Grades tasks with ``jobs`` children; ``on_done(task, result_or_None, error_message)`` runs in the parent
    as each pair is final (after at most one retry)."""

    def __init__(self, jobs: int, env: dict[str, str], *, log: IO[bytes] | int = subprocess.DEVNULL,
                 pair_timeout_s: float = 900.0, recycle_after: int = 200, retries: int = 1) -> None:
        self.jobs = max(1, jobs)
        self.env = env
        self.log = log
        self.pair_timeout_s = pair_timeout_s
        self.recycle_after = recycle_after
        self.retries = retries
        self.children_started = 0

    def _spawn(self) -> _Child:
        self.children_started += 1
        return _Child(self.env, self.log)

    def run(self, tasks: Iterator[Task], on_done: Callable[[Task, dict[str, Any] | None, str], None]) -> None:
        retry: deque[Task] = deque()
        source = iter(tasks)
        exhausted = False
        children: list[_Child] = []
        sel = selectors.DefaultSelector()
        next_id = 0

        def next_task() -> Task | None:
            nonlocal exhausted
            if retry:
                return retry.popleft()
            if exhausted:
                return None
            try:
                return next(source)
            except StopIteration:
                exhausted = True
                return None

        def failed(task: Task, message: str) -> None:
            task.errors.append(message)
            if task.attempts <= self.retries:
                retry.append(task)
            else:
                on_done(task, None, "; ".join(task.errors))

        def replace(child: _Child) -> None:
            sel.unregister(child.fd)
            children.remove(child)
            child.kill()

        try:
            while True:
                # keep every slot busy
                while len(children) < self.jobs or any(c.task is None for c in children):
                    idle = next((c for c in children if c.task is None), None)
                    task = next_task()
                    if task is None:
                        break
                    if idle is None:
                        idle = self._spawn()
                        children.append(idle)
                        sel.register(idle.fd, selectors.EVENT_READ, idle)
                    next_id += 1
                    task.request["id"] = next_id
                    task.attempts += 1
                    try:
                        idle.send(task, time.monotonic() + self.pair_timeout_s)
                    except OSError as exc:  # the child is gone already
                        idle.task = None
                        replace(idle)
                        failed(task, f"grading process could not take the pair: {exc}")
                busy = [c for c in children if c.task is not None]
                if not busy:
                    break
                wait = max(0.0, min(c.deadline for c in busy) - time.monotonic())
                for key, _ in sel.select(timeout=min(wait, 5.0)):
                    child: _Child = key.data
                    try:
                        chunk = os.read(child.fd, 1 << 20)
                    except BlockingIOError:
                        continue
                    except OSError:
                        chunk = b""
                    if not chunk:
                        task = child.task
                        code = child.proc.poll()
                        replace(child)
                        if task is not None:
                            failed(task, f"the grading process died (exit {code})")
                        continue
                    child.buf += chunk
                    while b"\n" in child.buf and child.task is not None:
                        line, _, rest = child.buf.partition(b"\n")
                        child.buf = bytearray(rest)
                        task, child.task = child.task, None
                        child.served += 1
                        self._handle(task, line, failed, on_done)
                    if child.task is None and child.served >= self.recycle_after:
                        sel.unregister(child.fd)
                        children.remove(child)
                        child.stop()
                now = time.monotonic()
                for child in [c for c in children if c.task is not None and c.deadline <= now]:
                    task = child.task
                    replace(child)
                    failed(task, f"grading the pair took longer than {self.pair_timeout_s:g} s")
        finally:
            for child in children:
                child.kill() if child.task is not None else child.stop()
            sel.close()

    def _handle(self, task: Task, line: bytes, failed: Callable[[Task, str], None],
                on_done: Callable[[Task, dict[str, Any] | None, str], None]) -> None:
        try:
            reply = json.loads(line)
            ok = reply["id"] == task.request["id"]
        except (ValueError, KeyError, TypeError):
            failed(task, "the grading process sent a malformed reply")
            return
        if not ok:
            failed(task, "the grading process replied out of sequence")
            return
        if not reply.get("ok"):
            failed(task, str(reply.get("error", "unknown failure"))[:2000])
            return
        result = reply["result"]
        if grade_status(result) == "judge_error" and task.attempts <= self.retries:
            msg = next(t["message"] for t in result["tests"] if t["status"] == "judge_error")
            failed(task, msg)
            return
        on_done(task, result, "")
