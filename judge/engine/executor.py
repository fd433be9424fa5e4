"""Trusted side of the worker boundary: start, feed, time and kill the untrusted worker.

One :class:`Executor` serves one submission. It starts the worker early (so NumPy imports while pytest
collects), sends each call as a frame, waits for the reply under a wall deadline, and turns whatever it
observes (a reply, EOF, an exit status or signal, an expired deadline) into an :class:`Outcome`. When the
worker dies, the next call gets a fresh one. A file that cannot be loaded at all gives a sticky outcome that
every later call returns without starting anything again.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from judge.engine.verdicts import OK, WRONG_TYPE, Seen, Verdict, decide, from_exception, protocol_fault, worker_end
from judge.isolated import wire
from judge.sandbox.cpuclock import TreeClock
from judge.sandbox.launch import SandboxSpec, build_launch, place_solution, reap_strays, run_token
from judge.sandbox.syscall_filter import worker_filter
from judge.sandbox.zygote import SOLUTION_INSIDE, Zygote, ZygoteError, ZygoteProcess

OUTPUT_CAP = 64 << 10
PIPE_BYTES = 1 << 20
BUDGET_POLL_S = 0.02  # how often a call past its budget in wall time has its CPU time read
BLOCKED_SHARE = 0.05  # a call that has used less CPU than this share of its wall time is waiting, not working


@dataclass
class Limits:
    """Resource limits of one worker. ``time_s`` is a per-test budget shared by the test's calls."""

    time_s: float = 2.0
    memory_mb: int = 1024
    file_size_mb: int = 16
    open_files: int = 64
    wall_factor: float = 2.0
    wall_slack_s: float = 0.5
    startup_s: float = 20.0
    total_cpu_s: int = 600
    processes: int = 32  # RLIMIT_NPROC, only where the worker has a uid of its own (bwrap tier)


@dataclass
class Outcome:
    """What one call produced. ``verdict`` is ``ok`` or a test verdict (``error``, ``timeout``, ...)."""

    verdict: str
    value: Any = None
    message: str = ""
    exc_type: str | None = None
    builtin: str | None = None
    frames: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    cpu_s: float | None = None  # CPU time of the submission's processes during the call, read by the trusted side

    @property
    def charged_s(self) -> float:
        """What the call costs the test's time budget: its CPU time as the trusted side read it, else the wall
        time it took (never a figure the worker reports)."""
        return self.cpu_s if self.cpu_s is not None else self.elapsed_s


class _Drain(threading.Thread):
    """Reads a pipe to EOF, keeping at most ``cap`` bytes, so a flood of output never blocks or bloats."""

    def __init__(self, fd: int, cap: int = OUTPUT_CAP) -> None:
        super().__init__(daemon=True)
        self.fd, self.cap, self.data, self.dropped = fd, cap, bytearray(), 0
        self.start()

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                room = self.cap - len(self.data)
                if room > 0:
                    self.data += chunk[:room]
                self.dropped += max(0, len(chunk) - max(room, 0))
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def text(self) -> str:
        out = self.data.decode("utf-8", "replace")
        return out + (f"\n[... {self.dropped} more bytes dropped]" if self.dropped else "")


class _Budget:
    """Stops a call once both its CPU time (read from outside, see :mod:`judge.sandbox.cpuclock`) and its wall time
    reach ``seconds``; nothing is read before the wall time gets there."""

    def __init__(self, clock: TreeClock, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds
        self.start_cpu = clock.seconds()
        self.start = time.monotonic()
        self.check_at = self.start + seconds

    def why_stop(self) -> str | None:
        """``cpu`` once the CPU time reached the budget, ``blocked`` when the call has been waiting (sleeping,
        reading input that never comes) rather than working, else None: read once the wall time is past the
        budget, so a blocked call stops after its budget instead of at its wall deadline."""
        now = self.clock.seconds()
        if self.start_cpu is None or now is None:
            return None
        used = now - self.start_cpu
        if used >= self.seconds:
            return "cpu"
        return "blocked" if used < BLOCKED_SHARE * (time.monotonic() - self.start) else None


class _Reader:
    """Non-blocking frame reader with a deadline (and, optionally, a CPU budget)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self.buf = bytearray()
        self.budget: _Budget | None = None

    def _wait(self, deadline: float) -> None:
        """Block until the pipe has something to read; TimeoutError past the deadline or the CPU budget."""
        while True:
            now = time.monotonic()
            left = deadline - now
            if left <= 0:
                raise TimeoutError("wall")
            wait = left
            if self.budget is not None:
                if now >= self.budget.check_at:
                    why = self.budget.why_stop()
                    if why is not None:
                        raise TimeoutError(why)
                    wait = min(left, BUDGET_POLL_S)
                else:
                    wait = min(left, self.budget.check_at - now)
            if select.select([self.fd], [], [], wait)[0]:
                return

    def _fill(self, need: int, deadline: float) -> None:
        while len(self.buf) < need:
            try:
                chunk = os.read(self.fd, max(need - len(self.buf), 1 << 16))
            except BlockingIOError:
                self._wait(deadline)
                continue
            if not chunk:
                raise EOFError
            self.buf += chunk

    def _fill_view(self, view: memoryview, deadline: float) -> None:
        """Fill ``view`` straight from the pipe, after what is already buffered: no copies of large arrays."""
        have = min(len(self.buf), len(view))
        view[:have] = self.buf[:have]
        del self.buf[:have]
        wire.read_into(self.fd, view[have:], lambda: self._wait(deadline))

    def read(self, deadline: float, budget: _Budget | None = None,
             max_total: int = wire.MAX_TOTAL_BYTES) -> tuple[dict, list[np.ndarray]]:
        """One reply: its header (at most ``wire.MAX_HEADER_BYTES``) and its buffers (at most ``max_total`` bytes in
        all), each read into an uninitialised uint8 array of its own, one after the other. Memory becomes resident
        only as bytes arrive, so buffers announced and never sent cost nothing but address space, and
        :func:`wire.decode` adopts each array without a copy."""
        self.budget = budget
        self._fill(4, deadline)
        size = wire.header_size(self.buf[:4])
        self._fill(4 + size, deadline)
        header, sizes = wire.parse_header(self.buf[4 : 4 + size], max_total)
        del self.buf[: 4 + size]
        buffers = []
        for s in sizes:
            buf = np.empty(s, np.uint8)
            self._fill_view(memoryview(buf), deadline)
            buffers.append(buf)
        return header, buffers


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


_SIGNAL_TEXT = {
    "SIGSEGV": "segmentation fault",
    "SIGABRT": "aborted",
    "SIGBUS": "bus error",
    "SIGFPE": "floating-point exception",
    "SIGKILL": "killed",
    "SIGILL": "illegal instruction",
    "SIGXFSZ": "file size limit exceeded",
}


class Executor:
    """Owns the worker process of one submission: a new process, or (``zygote``, bwrap tier) one forked by a
    :class:`~judge.sandbox.zygote.Zygote` that receives the submission's source in its hello frame."""

    def __init__(
        self,
        solution_path: str | os.PathLike,
        entry_points: list[str],
        allowed_imports: list[str],
        limits: Limits | None = None,
        seed: int = 0,
        sandbox: SandboxSpec | None = None,
        zygote: Zygote | None = None,
        builds_on: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.builds_on = builds_on or {}  # the learner's earlier solutions, as text (judge/engine/builds_on.py)
        self.zygote = zygote if zygote is not None and (sandbox or SandboxSpec()).forks_from_zygote else None
        self.solution_path = str(Path(solution_path).resolve())
        self.entry_points = list(entry_points)
        self.allowed_imports = list(allowed_imports)
        self.limits = limits or Limits()
        self.seed = seed
        self.sandbox = sandbox or SandboxSpec()
        self.sticky: Outcome | None = None
        self._proc: subprocess.Popen | None = None
        self._ready = False
        self._seq = 0
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._outputs: list[tuple[_Drain, _Drain]] = []
        self._launch = None
        self._hello_seq = -1
        self._token = run_token()
        self._clock: TreeClock | None = None
        self._defined: frozenset[str] = frozenset()

    # -- lifecycle -------------------------------------------------------------------------------------
    def refuse(self, outcome: Outcome) -> None:
        """Never start a worker: every call ends as ``outcome`` (the static inspection refused the file)."""
        self.sticky = outcome

    def start(self) -> None:
        """Start a worker and send it the hello frame; the first call awaits readiness."""
        if self._proc is not None or self.sticky is not None:
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="judge-worker-")
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        for fd in (req_w, rep_r):
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # large arrays cross in a few system calls
            except OSError:
                pass  # a lower /proc/sys/fs/pipe-max-size: the default 64 KiB still works
        os.set_blocking(req_w, False)  # a worker that stops reading meets the call's deadline, not a hang
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        limits = {
            "memory_mb": self.limits.memory_mb,
            "file_size_mb": self.limits.file_size_mb,
            "open_files": self.limits.open_files,
            "total_cpu_s": self.limits.total_cpu_s,
            "processes": self.limits.processes if self.sandbox.limits_processes else 0,
        }
        launch = None
        program = worker_filter()
        if program is not None:
            limits["syscall_filter"] = program.hex()
        try:
            if self.zygote is not None:
                launch = None  # a forked worker's exit status arrives as Popen's (no signal offset)
                self._proc = ZygoteProcess(self.zygote, self.zygote.spawn([req_r, rep_w, out_w, err_w], limits))
            else:
                launch = build_launch(
                    self.sandbox, self._tmp.name, req_r, rep_w, json.dumps(limits), self._token,
                )
                self._proc = subprocess.Popen(
                    launch.argv, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w, pass_fds=(req_r, rep_w),
                    env=launch.env, cwd=launch.cwd, start_new_session=True, close_fds=True, **launch.popen_kwargs,
                )
        except (OSError, subprocess.SubprocessError, ValueError, ZygoteError) as exc:
            for fd in (req_w, rep_r, out_r, err_r):
                os.close(fd)
            if launch is not None and launch.cleanup is not None:
                launch.cleanup()
            self._tmp.cleanup()
            self._tmp = None
            self.sticky = Outcome(decide(Seen.SANDBOX_NOT_STARTED), message=f"the sandbox could not be started: {exc}")
            return
        finally:
            for fd in (req_r, rep_w, out_w, err_w):
                os.close(fd)
        self._launch = launch
        self._req = req_w
        self._reader = _Reader(rep_r)
        self._outputs.append((_Drain(out_r), _Drain(err_r)))
        self._ready = False
        self._hello()

    def _hello(self) -> None:
        source = None
        try:
            if self.zygote is not None:
                source, inside = Path(self.solution_path).read_text(encoding="utf-8"), SOLUTION_INSIDE
            else:
                inside = place_solution(self.sandbox, self._tmp.name, self.solution_path)
        except (OSError, UnicodeDecodeError) as exc:
            self._kill()
            self.sticky = Outcome(decide(Seen.SUBMISSION_NOT_PLACED),
                                  message=f"the submission could not be placed in the sandbox: {exc}")
            return
        try:
            hello = {
                "op": "hello", "path": inside,
                "entry_points": self.entry_points, "allowed_imports": self.allowed_imports,
                "seed": self.seed, "cpu_seconds": self.limits.time_s,
            }
            if source is not None:
                hello["source"] = source
            if self.builds_on:
                hello["builds_on"] = self.builds_on
            self._send(hello)
        except OSError:
            pass  # the worker died at once: the boot handshake reports it as judge_error
        self._hello_seq = self._seq

    def close(self) -> None:
        self._kill()

    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _kill(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if self._clock is not None:
            self._clock.close()
            self._clock = None
        if isinstance(proc, ZygoteProcess):
            code = proc.kill()
        else:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
        if self.sandbox.weak:
            reap_strays(self._token)
        if self._launch is not None and self._launch.cleanup is not None:
            self._launch.cleanup()  # container tier: every process and file of the worker's uid
        for fd in (self._req, self._reader.fd):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        return code

    def output(self) -> tuple[str, str]:
        """Captured stdout and stderr of every worker so far (each capped)."""
        return (
            "".join(o.text() for o, _ in self._outputs),
            "".join(e.text() for _, e in self._outputs),
        )

    # -- protocol --------------------------------------------------------------------------------------
    @property
    def reply_cap(self) -> int:
        """The most buffer bytes one reply may announce: no honest result outgrows the worker's memory limit.
        With the 1 MiB header cap, a hostile reply costs the trusted side at most this much memory plus the Python
        objects of its header (about 64 MiB; tests/test_hostile_replies.py measures it)."""
        return min(wire.MAX_TOTAL_BYTES, self.limits.memory_mb << 20)

    def _send(self, header: dict, buffers: list[bytes] = (), deadline: float | None = None) -> None:
        """Write one frame; TimeoutError when the worker has not taken it by ``deadline`` (a worker that stops
        reading must not block the judge)."""
        self._seq += 1
        header["seq"] = self._seq
        deadline = deadline if deadline is not None else time.monotonic() + self.limits.startup_s

        def wait_writable() -> None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._req], [], left)[1]:
                raise TimeoutError

        wire.write_parts(self._req, wire.frame_parts(header, buffers, wire.MAX_REQUEST_HEADER_BYTES), wait_writable)

    def _death(self, timed_out: bool, during_load: bool, why: str = "wall", budget_s: float | None = None,
               wall_s: float | None = None) -> Outcome:
        """Kill the worker (if alive) and explain how it ended (``why`` a timeout: ``cpu``, ``blocked``, ``wall``)."""
        proc = self._proc
        code = None
        if proc is not None and not timed_out:
            try:
                code = proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                code = None
        self._kill()
        where = "while loading your file" if during_load else "during the call"
        if timed_out:
            budget = budget_s if budget_s is not None else self.limits.time_s
            if why == "cpu":
                text = f"it used the test's whole budget of {budget:g} s of CPU time"
            elif why == "blocked":
                text = (f"it waited {budget:g} s without using the CPU (sleeping, or waiting for input that never "
                        "comes?)")
            else:
                text = f"no answer within {wall_s or budget:g} s (its budget is {budget:g} s of CPU time)"
            return Outcome(decide(worker_end(True, None, None)), message=f"time limit exceeded {where}: {text}")
        if code is None:
            return Outcome(decide(worker_end(False, None, None)), message=f"the worker stopped answering {where}")
        offset = self._launch.signal_offset if self._launch else 0
        if offset and code > offset:
            code = offset - code  # bwrap: 128 + N means the worker was killed by signal N
        if code < 0:
            name = _signal_name(-code)
            if name == "SIGXCPU":
                return Outcome(decide(worker_end(False, code, name)), message=f"CPU time limit exceeded {where}")
            text = _SIGNAL_TEXT.get(name, "killed by a signal")
            return Outcome(decide(worker_end(False, code, name)), message=f"your code crashed {where}: {text} ({name})")
        return Outcome(decide(worker_end(False, code, None)),
                       message=f"the process exited with status {code} {where} (os._exit?)")

    def _await(
        self, seq: int, deadline: float, during_load: bool, budget_s: float | None = None,
    ) -> tuple[dict, list[bytes]] | Outcome:
        budget = _Budget(self._clock, budget_s) if budget_s is not None and self._clock is not None else None
        try:
            header, buffers = self._reader.read(deadline, budget, self.reply_cap)
        except TimeoutError as exc:
            why = str(exc.args[0]) if exc.args else "wall"
            wall = deadline - budget.start if budget is not None else None
            # Charged to the submission: the CPU time it used, except for a call that waited (then its wall time),
            # read before the kill takes the processes (and their clock) away.
            now = budget.clock.seconds() if budget is not None and why != "blocked" else None
            outcome = self._death(True, during_load, why, budget_s, wall)
            if now is not None and budget.start_cpu is not None:
                outcome.cpu_s = max(0.0, now - budget.start_cpu)
            return outcome
        except EOFError:
            return self._death(False, during_load)
        except wire.WireError as exc:
            # Fail closed: never a pass; whose fault it is depends on whether the worker booted (seq > 0).
            self._kill()
            return Outcome(decide(protocol_fault(booted=seq > 0)), message=f"protocol fault: {exc}")
        if header.get("seq") != seq:
            self._kill()
            return Outcome(decide(protocol_fault(booted=seq > 0)), message="protocol fault: reply out of sequence")
        return header, buffers

    def _ensure_ready(self) -> Outcome | None:
        if self.sticky is not None:
            return self.sticky
        if self._proc is None:
            self.start()
        if self._ready:
            return None
        if self._proc is None:  # start() could not launch the worker: the judge's fault, never the learner's
            return self.sticky
        booted = self._await(0, time.monotonic() + self.limits.startup_s, True)
        if isinstance(booted, Outcome):
            err = self._outputs[-1][1]
            err.join(timeout=0.5)
            detail = err.text().strip().splitlines()[-1:] if err.data else []
            self.sticky = Outcome(
                decide(Seen.NO_BOOT), message=f"the worker did not start ({booted.message}) {' '.join(detail)}".strip()
            )
            return self.sticky
        self._clock = self._find_clock()
        deadline = time.monotonic() + self.limits.time_s * self.limits.wall_factor + self.limits.wall_slack_s
        got = self._await(self._hello_seq, deadline, True, self.limits.time_s)
        if isinstance(got, Outcome):
            # A worker that dies while loading the file would die again: the outcome sticks.
            self.sticky = got
            return got
        header, _ = got
        if header.get("ok") is not True:
            self._kill()
            self.sticky = _failure_outcome(header, loading=True)
            return self.sticky
        defined = header.get("defined")
        names = defined if type(defined) is list else []
        self._defined = frozenset(n for n in names if n in self.entry_points)
        self._ready = True
        return None

    def _find_clock(self) -> TreeClock | None:
        """The CPU clock of the submission's whole process tree, found from pids only the trusted side knows: the
        process it started, or the one the zygote forked for this submission (found in the zygote's namespace)."""
        if isinstance(self._proc, ZygoteProcess):
            root = self.zygote.root_pid
            return TreeClock.find(root, self._proc.pid, level=1) if root else None
        pid = getattr(self._proc, "pid", None)
        return TreeClock(pid) if pid else None

    def _call_cpu(self, before: float | None) -> float | None:
        """CPU seconds the submission's processes spent since ``before`` (None when the clock cannot say)."""
        now = self._clock.seconds() if self._clock is not None else None
        return max(0.0, now - before) if now is not None and before is not None else None

    def request(self, header: dict, buffers: list[bytes], budget_s: float) -> Outcome:
        """Send one request and turn what happens into an Outcome.

        Whatever escapes mid-call (pytest-timeout's trusted timeout, KeyboardInterrupt, a bug) kills the worker
        first, so its late reply can never be read as the answer to the next call."""
        try:
            return self._request(header, buffers, budget_s)
        except BaseException:
            self._kill()
            raise

    def _request(self, header: dict, buffers: list[bytes], budget_s: float) -> Outcome:
        failed = self._ensure_ready()
        if failed is not None:
            return failed
        if budget_s <= 0:
            return Outcome(decide(Seen.BUDGET_SPENT), message="time limit exceeded: the test's time budget is used up")
        header["cpu_seconds"] = budget_s
        cpu_before = self._clock.seconds() if self._clock is not None else None
        start = time.monotonic()
        deadline = start + budget_s * self.limits.wall_factor + self.limits.wall_slack_s
        try:
            self._send(header, buffers, deadline)
        except OSError as exc:  # it stopped reading, or died after its last reply (a learner's thread killed it)
            outcome = self._death(isinstance(exc, TimeoutError), False, "wall", budget_s)
            outcome.elapsed_s = time.monotonic() - start
            return outcome
        got = self._await(self._seq, deadline, False, budget_s)
        elapsed = time.monotonic() - start
        if isinstance(got, Outcome):
            got.elapsed_s = elapsed
            return got
        reply, out = got
        cpu = self._call_cpu(cpu_before)
        if cpu is not None and cpu > budget_s:  # more CPU than wall time: threads or forked children did the work
            self._kill()  # whatever it started must not keep running into the next test
            return Outcome(decide(Seen.TIME_LIMIT), message=f"CPU time limit exceeded during the call ({cpu:.2f} s "
                           f"of CPU across your processes and threads, budget {budget_s:.2f} s)", elapsed_s=elapsed,
                           cpu_s=cpu)
        if reply.get("ok") is not True:
            outcome = _failure_outcome(reply, loading=False)
            outcome.elapsed_s, outcome.cpu_s = elapsed, cpu
            return outcome
        try:
            value = wire.decode(reply.get("value"), out)
            rng = _rng_states(reply.get("rng", []))
        except (wire.WireError, RecursionError) as exc:
            # The worker's own encoder never writes this: a protocol fault after the boot frame is the learner's.
            self._kill()
            return Outcome(decide(protocol_fault(booted=True)), message=f"protocol fault: {exc}", elapsed_s=elapsed,
                           cpu_s=cpu)
        return Outcome(OK, value=(value, rng), elapsed_s=elapsed, cpu_s=cpu)

    def call(self, name: str, args: tuple, kwargs: dict, budget_s: float) -> Outcome:
        """Call ``name(*args, **kwargs)`` in the worker (``missing`` when the file did not define it)."""
        failed = self._ensure_ready()
        if failed is not None:
            return failed
        if name not in self._defined:
            return Outcome(decide(Seen.FUNCTION_MISSING),
                           message=f"your file does not define a function named '{name}'")
        node, buffers = wire.encode((tuple(args), dict(kwargs)))
        return self.request({"op": "call", "name": name, "payload": node}, buffers, budget_s)

    def global_rng(self, budget_s: float = 2.0) -> Outcome:
        """Fingerprint of the worker's global np.random and random states."""
        return self.request({"op": "global_rng"}, [], budget_s)


def _rng_states(states: Any) -> list[tuple[int | str, dict]]:
    """The worker's report of the generators it was given, as ``(position or keyword, state)`` pairs (WireError
    when malformed, so no test sees it as the learner's exception). The states are checked when applied."""
    if type(states) is not list or len(states) > 64:
        raise wire.WireError("bad generator states")
    out = []
    for pair in states:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (int, str) or type(pair[1]) is not dict:
            raise wire.WireError("bad generator states")
        out.append((pair[0], pair[1]))
    return out


def _failure_outcome(reply: dict, loading: bool) -> Outcome:
    """The outcome of a reply that is not a result: a learner exception (its verdict decided here, from its type
    and the phase), a value that may not cross the boundary, or anything else, which is a protocol fault of the
    submission (``crashed``). Whatever a reply claims, it never becomes ``judge_error`` or ``timeout``."""
    if set(reply) == {"ok", "unsendable", "seq"} and type(reply["unsendable"]) is str and not loading:
        return Outcome(WRONG_TYPE, message=f"wrong type: {reply['unsendable'][:2000]}")
    exc = reply.get("exception")
    if set(reply) != {"ok", "exception", "seq"} or type(exc) is not dict or type(exc.get("type")) is not str:
        return Outcome(decide(protocol_fault(booted=True)),
                       message="protocol fault: the worker sent a reply the judge never asks for")
    exc_type = exc["type"][:100]
    builtin = exc.get("builtin") if exc.get("builtin") in (*wire.MAPPED_EXCEPTIONS, "MemoryError") else None
    message = str(exc.get("message", ""))[:4000]
    frames = exc.get("frames")
    verdict = from_exception(exc_type, builtin, loading)
    if verdict is Verdict.MEMORY:
        message = f"memory limit exceeded ({exc_type}{': ' + message if message else ''})"
    elif exc_type == "SystemExit":
        message = f"your code called sys.exit({message})" if message else "your code called sys.exit()"
    return Outcome(
        verdict, message=message, exc_type=exc_type, builtin=builtin,
        frames=[str(f)[:300] for f in frames][:16] if type(frames) is list else [],
    )
