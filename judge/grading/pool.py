"""A pool of N long-lived grading children (``python -m judge.grading.child``), fed over stdin/stdout.

Each child grades one batch at a time (pairs of one problem) and answers pair by pair. A child that dies, writes
garbage or passes its deadline is killed and replaced; the pairs of its batch not answered yet count as failures
of the judge. Every failure (a child's error reply, a dead child, a
result with a ``judge_error`` test) is retried once; the second failure is final. Children are recycled after
``recycle_after`` pairs (at a batch boundary) so their memory stays bounded however large the class.

:class:`BatchPolicy` decides what goes out next (no I/O); :class:`GradingPool` runs the children and the I/O loop.

Lifetime: a child is told the parent's pid and dies with it (``PR_SET_PDEATHSIG``, see
:func:`judge.grading.child.bind_to_parent`), whatever signal ends the parent; while :meth:`GradingPool.run` runs in
the main thread, SIGTERM makes it stop its children (SIGTERM, so they kill their sandboxes from outside, then
SIGKILL) before the parent exits.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from judge.engine.verdicts import first_judge_error, is_judge_error

from .inert_text import visible


@dataclass
class Task:
    """One pair to grade: ``request`` goes to the child; ``meta`` stays with the parent."""

    request: dict[str, Any]
    meta: Any = None
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


class BatchPolicy:
    """Which pairs go out next, with no I/O: a window of the next ``window`` tasks grouped by problem; batches of up
    to ``batch_size`` pairs of one problem (the fullest group first, ties to the one seen first); once the source is
    exhausted, smaller batches (about ``held / (2 * jobs)``) so no child idles while another finishes a big one; a
    failed task is retried ``retries`` times, alone and before anything new."""

    def __init__(self, tasks: Iterable[Task], *, jobs: int = 1, batch_size: int = 16, window: int = 128,
                 retries: int = 1) -> None:
        self.jobs = max(1, jobs)
        self.batch_size = max(1, batch_size)
        self.window = max(self.batch_size, window)
        self.retries = retries
        self._source: Iterator[Task] = iter(tasks)
        self.exhausted = False
        self._waiting: dict[Any, deque[Task]] = {}  # the window: tasks read from the source, by problem, in order
        self.held = 0
        self._retry: deque[Task] = deque()

    def _fill(self) -> None:
        while not self.exhausted and self.held < self.window:
            try:
                task = next(self._source)
            except StopIteration:
                self.exhausted = True
                break
            self._waiting.setdefault(task.request.get("problem"), deque()).append(task)
            self.held += 1

    def next_batch(self) -> list[Task]:
        """The next batch (each task's ``attempts`` counted), or [] when nothing is left to send."""
        if self._retry:
            batch = [self._retry.popleft()]
        else:
            self._fill()
            if not self._waiting:
                return []
            group = max(self._waiting, key=lambda g: len(self._waiting[g]))
            queue = self._waiting[group]
            size = self.batch_size
            if self.exhausted:
                size = max(1, min(size, self.held // (2 * self.jobs)))
            batch = [queue.popleft() for _ in range(min(size, len(queue)))]
            if not queue:
                del self._waiting[group]
            self.held -= len(batch)
        for task in batch:
            task.attempts += 1
        return batch

    def can_retry(self, task: Task) -> bool:
        return task.attempts <= self.retries

    def failed(self, task: Task, message: str) -> bool:
        """Record a failed attempt; True when the task will be retried, False when the failure is final."""
        task.errors.append(message)
        if self.can_retry(task):
            self._retry.append(task)
            return True
        return False


LOG_LINE_CAP = 2000
_log_lock = threading.Lock()


def copy_inert(stream: IO[bytes], log: IO[bytes], pid: int) -> None:
    """Copy a grading child's stderr into grading.log line by line, each prefixed ``[grading process PID]`` and
    shown inert (escaped control, bidi and undecodable characters, capped): a judge error's message can carry a
    student's text, and a TA reads the log in a terminal."""
    try:
        for raw in iter(lambda: stream.readline(1 << 16), b""):
            line = f"[grading process {pid}] " + visible(raw.decode("utf-8", "replace").rstrip("\n"))
            if len(line) > LOG_LINE_CAP:
                line = line[:LOG_LINE_CAP] + f"... [{len(line) - LOG_LINE_CAP} more chars]"
            with _log_lock:
                log.write((line + "\n").encode("utf-8"))
                log.flush()
    except (OSError, ValueError):  # the log or the pipe was closed: the run is ending
        pass
    finally:
        stream.close()


class _Child:
    def __init__(self, env: dict[str, str], log: IO[bytes] | int) -> None:
        to_log = not isinstance(log, int)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "judge.grading.child", str(os.getpid())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE if to_log else log, env=env, start_new_session=True,
        )
        if to_log:
            threading.Thread(target=copy_inert, args=(self.proc.stderr, log, self.proc.pid), daemon=True,
                             name=f"grading-log-{self.proc.pid}").start()
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
            {"key": key, "path": t.request.get("path"), **({"builds_on": t.request["builds_on"]}
                                                            if "builds_on" in t.request else {})}
            for key, t in self.tasks.items()])
        request.pop("path", None)
        request.pop("builds_on", None)
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()

    def kill(self, grace_s: float = 0.0) -> None:
        """SIGTERM first when ``grace_s`` (the child then kills its sandboxes from outside), then SIGKILL to its
        process group."""
        if grace_s > 0 and self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=grace_s)
            except (OSError, subprocess.TimeoutExpired):
                pass
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
    as each pair is final (after at most ``retries`` retries).

    Pairs go out as :class:`BatchPolicy` decides; ``pair_timeout_s`` bounds the time between two answers of a
    child."""

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
        self._children: list[_Child] = []
        self._sel: selectors.BaseSelector | None = None
        self._policy: BatchPolicy | None = None
        self._on_done: Callable[[Task, dict[str, Any] | None, str], None] = lambda *_: None
        self._next_id = 0

    def run(self, tasks: Iterator[Task], on_done: Callable[[Task, dict[str, Any] | None, str], None]) -> None:
        self._policy = BatchPolicy(tasks, jobs=self.jobs, batch_size=self.batch_size, window=self.window,
                                   retries=self.retries)
        self._on_done = on_done
        self._children, self._sel = [], selectors.DefaultSelector()
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        terminated = False
        try:
            while self._dispatch():
                self._read(min(c.deadline for c in self._children if c.tasks))
                self._expire()
        except SystemExit:
            terminated = True
            raise
        finally:
            for child in self._children:
                child.kill(grace_s=2.0) if child.tasks or terminated else child.stop()
            self._sel.close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    # -- the I/O loop ---------------------------------------------------------------------------------------------
    def _failed(self, task: Task, message: str) -> None:
        if not self._policy.failed(task, message):
            self._on_done(task, None, "; ".join(task.errors))

    def _drop(self, child: _Child, message: str | None = None) -> None:
        """Kill ``child``; the pairs of its batch not answered yet fail with ``message``."""
        lost = list(child.tasks.values())
        self._sel.unregister(child.fd)
        self._children.remove(child)
        child.kill()
        for task in lost if message is not None else ():
            self._failed(task, message)

    def _dispatch(self) -> bool:
        """Give every idle slot a batch (starting children as needed); False when no child has work left."""
        while len(self._children) < self.jobs or any(not c.tasks for c in self._children):
            idle = next((c for c in self._children if not c.tasks), None)
            batch = self._policy.next_batch()
            if not batch:
                break
            if idle is None:
                self.children_started += 1
                idle = _Child(self.env, self.log)
                self._children.append(idle)
                self._sel.register(idle.fd, selectors.EVENT_READ, idle)
            self._next_id += 1
            try:
                idle.send(self._next_id, batch, time.monotonic() + self.pair_timeout_s)
            except OSError as exc:  # the child is gone already
                idle.tasks = {}
                self._drop(idle)
                for task in batch:
                    self._failed(task, f"grading process could not take the pair: {exc}")
        return any(c.tasks for c in self._children)

    def _read(self, deadline: float) -> None:
        """Read what the children answered until the earliest ``deadline`` (at most 5 s)."""
        wait = max(0.0, deadline - time.monotonic())
        for key, _ in self._sel.select(timeout=min(wait, 5.0)):
            child: _Child = key.data
            try:
                chunk = os.read(child.fd, 1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._drop(child, f"the grading process died (exit {child.proc.poll()})")
                continue
            child.buf += chunk
            while b"\n" in child.buf and child.tasks:
                line, _, rest = child.buf.partition(b"\n")
                child.buf = bytearray(rest)
                if self._handle(child, line) is None:  # garbage: the child cannot be trusted with the rest
                    self._drop(child, "the grading process sent a malformed reply")
                    break
                child.served += 1
                child.deadline = time.monotonic() + self.pair_timeout_s
            if child in self._children and not child.tasks and child.served >= self.recycle_after:
                self._sel.unregister(child.fd)
                self._children.remove(child)
                child.stop()

    def _expire(self) -> None:
        now = time.monotonic()
        for child in [c for c in self._children if c.tasks and c.deadline <= now]:
            self._drop(child, f"grading the pair took longer than {self.pair_timeout_s:g} s")

    def _handle(self, child: _Child, line: bytes) -> Task | None:
        """Settle the pair a reply line answers; None when the line is not a reply to this child's batch."""
        try:
            reply = json.loads(line)
            task = child.tasks.pop(str(reply["key"])) if reply["id"] == child.batch_id else None
        except (ValueError, KeyError, TypeError):
            return None
        if task is None:
            return None
        if not reply.get("ok"):
            self._failed(task, str(reply.get("error", "unknown failure"))[:2000])
            return task
        result = reply.get("result")
        if not isinstance(result, dict):
            self._failed(task, "the grading process sent a malformed result")
            return task
        if is_judge_error(result) and self._policy.can_retry(task):
            msg = first_judge_error(result)
            self._failed(task, msg)
            return task
        self._on_done(task, result, "")
        return task


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
