"""A pool of N long-lived grading children (``python -m judge.grading.child``), fed over stdin/stdout.

Each child grades one batch at a time (pairs of one problem) and answers pair by pair. A child that dies, writes
garbage or passes its deadline is killed and replaced; the pairs of its batch not answered yet count as failures
of the judge. Every failure (a child's error reply, a dead child, a
result with a ``judge_error`` test) is retried once; the second failure is final. Children are recycled after
``recycle_after`` pairs (at a batch boundary) so their memory stays bounded however large the class.
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
        self.batch_id = 0
        self.tasks: dict[str, Task] = {}  # the pairs of the current batch not answered yet, by key
        self.deadline = 0.0
        self.served = 0

    def send(self, batch_id: int, tasks: list[Task], deadline: float) -> None:
        self.batch_id, self.deadline = batch_id, deadline
        self.tasks = {str(i): t for i, t in enumerate(tasks)}
        request = dict(tasks[0].request, id=batch_id, pairs=[
            {"key": key, "path": t.request.get("path")} for key, t in self.tasks.items()])
        request.pop("path", None)
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
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
    as each pair is final (after at most one retry).

    Pairs go out in batches of up to ``batch_size`` pairs of one problem (``request["problem"]``), picked from a
    window of the next ``window`` tasks, so a child collects a problem's tests once per batch; a retried pair
    goes alone. ``pair_timeout_s`` bounds the time between two answers of a child."""

    def __init__(self, jobs: int, env: dict[str, str], *, log: IO[bytes] | int = subprocess.DEVNULL,
                 pair_timeout_s: float = 900.0, recycle_after: int = 400, retries: int = 1, batch_size: int = 16,
                 window: int = 128) -> None:
        self.jobs = max(1, jobs)
        self.env = env
        self.log = log
        self.pair_timeout_s = pair_timeout_s
        self.recycle_after = recycle_after
        self.retries = retries
        self.batch_size = max(1, batch_size)
        self.window = max(self.batch_size, window)
        self.children_started = 0

    def _spawn(self) -> _Child:
        self.children_started += 1
        return _Child(self.env, self.log)

    def run(self, tasks: Iterator[Task], on_done: Callable[[Task, dict[str, Any] | None, str], None]) -> None:
        retry: deque[Task] = deque()
        source = iter(tasks)
        exhausted = False
        waiting: dict[Any, deque[Task]] = {}  # the window: tasks read from the source, by problem, in order
        held = 0
        children: list[_Child] = []
        sel = selectors.DefaultSelector()
        next_id = 0

        def next_batch() -> list[Task]:
            nonlocal exhausted, held
            if retry:
                return [retry.popleft()]
            while not exhausted and held < self.window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                waiting.setdefault(task.request.get("problem"), deque()).append(task)
                held += 1
            if not waiting:
                return []
            # the fullest group (ties: the one seen first), so batches are large while the window is full
            group = max(waiting, key=lambda g: len(waiting[g]))
            queue = waiting[group]
            size = self.batch_size
            if exhausted:  # the last pairs: smaller batches, so no child sits idle while another finishes a big one
                size = max(1, min(size, held // (2 * self.jobs)))
            batch = [queue.popleft() for _ in range(min(size, len(queue)))]
            if not queue:
                del waiting[group]
            held -= len(batch)
            return batch

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
                while len(children) < self.jobs or any(not c.tasks for c in children):
                    idle = next((c for c in children if not c.tasks), None)
                    batch = next_batch()
                    if not batch:
                        break
                    if idle is None:
                        idle = self._spawn()
                        children.append(idle)
                        sel.register(idle.fd, selectors.EVENT_READ, idle)
                    next_id += 1
                    for task in batch:
                        task.attempts += 1
                    try:
                        idle.send(next_id, batch, time.monotonic() + self.pair_timeout_s)
                    except OSError as exc:  # the child is gone already
                        idle.tasks = {}
                        replace(idle)
                        for task in batch:
                            failed(task, f"grading process could not take the pair: {exc}")
                busy = [c for c in children if c.tasks]
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
                        lost = list(child.tasks.values())
                        code = child.proc.poll()
                        replace(child)
                        for task in lost:
                            failed(task, f"the grading process died (exit {code})")
                        continue
                    child.buf += chunk
                    while b"\n" in child.buf and child.tasks:
                        line, _, rest = child.buf.partition(b"\n")
                        child.buf = bytearray(rest)
                        task = self._handle(child, line, failed, on_done)
                        if task is None:  # garbage: the child cannot be trusted with the rest of its batch
                            lost = list(child.tasks.values())
                            replace(child)
                            for t in lost:
                                failed(t, "the grading process sent a malformed reply")
                            break
                        child.served += 1
                        child.deadline = time.monotonic() + self.pair_timeout_s
                    if child in children and not child.tasks and child.served >= self.recycle_after:
                        sel.unregister(child.fd)
                        children.remove(child)
                        child.stop()
                now = time.monotonic()
                for child in [c for c in children if c.tasks and c.deadline <= now]:
                    lost = list(child.tasks.values())
                    replace(child)
                    for task in lost:
                        failed(task, f"grading the pair took longer than {self.pair_timeout_s:g} s")
        finally:
            for child in children:
                child.kill() if child.tasks else child.stop()
            sel.close()

    def _handle(self, child: _Child, line: bytes, failed: Callable[[Task, str], None],
                on_done: Callable[[Task, dict[str, Any] | None, str], None]) -> Task | None:
        """Settle the pair a reply line answers; None when the line is not a reply to this child's batch."""
        try:
            reply = json.loads(line)
            task = child.tasks.pop(str(reply["key"])) if reply["id"] == child.batch_id else None
        except (ValueError, KeyError, TypeError):
            return None
        if task is None:
            return None
        if not reply.get("ok"):
            failed(task, str(reply.get("error", "unknown failure"))[:2000])
            return task
        result = reply.get("result")
        if not isinstance(result, dict):
            failed(task, "the grading process sent a malformed result")
            return task
        if grade_status(result) == "judge_error" and task.attempts <= self.retries:
            msg = next(t["message"] for t in result["tests"] if t["status"] == "judge_error")
            failed(task, msg)
            return task
        on_done(task, result, "")
        return task
