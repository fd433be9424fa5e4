"""The untrusted worker: imports one learner file and serves calls to its functions.

It runs in its own process, started by :mod:`judge.executor` with resource limits already applied. It imports
nothing of the judge's tests or solutions: only this module, :mod:`judge.isolated.wire` and the learner's file.
The first frame it receives (``hello``) names the file, the entry points and the import allow-list; it answers ``ready``
(or a load failure), then one reply per request. Every reply carries the request's sequence number.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import inspect
import json
import math
import os
import random
import resource
import sys
import traceback
from typing import Any

import numpy as np

from judge.isolated import wire

MESSAGE_CAP = 2000
FRAME_CAP = 12
ALWAYS_FORBIDDEN = frozenset({
    "torch", "scipy", "jax", "jaxlib", "sklearn", "tensorflow", "keras", "transformers", "numba", "cupy",
    "mlx", "pandas", "flax", "einops", "tinygrad", "autograd", "theano", "paddle", "mxnet", "onnxruntime",
})


class ForbiddenImport(ImportError):
    """Raised by the import guard; reported as the verdict ``forbidden``."""


class ImportGuard(importlib.abc.MetaPathFinder):
    """Refuses ML frameworks everywhere, and any module outside the allow-list imported by the learner's file."""

    def __init__(self, solution_path: str, allowed: frozenset[str]) -> None:
        self.solution_path = solution_path
        self.allowed = allowed

    def _importer(self) -> str | None:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith("<frozen importlib") and name != __file__ and "importlib" not in name:
                return name
            frame = frame.f_back
        return None

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        top = fullname.partition(".")[0]
        if top in ALWAYS_FORBIDDEN:
            raise ForbiddenImport(f"import of '{fullname}' is not allowed in this problem")
        if top not in self.allowed and self._importer() == self.solution_path:
            raise ForbiddenImport(f"import of '{fullname}' is not allowed in this problem")
        return None


def _render(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not kill the worker
        text = "<message unavailable: its __str__ raised>"
    if type(text) is not str:
        text = "<message unavailable>"
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + f"... [{len(text) - MESSAGE_CAP} more chars]"


def _learner_frames(exc: BaseException, solution_path: str) -> list[str]:
    frames = []
    try:
        for fs in traceback.extract_tb(exc.__traceback__):
            if fs.filename == solution_path:
                frames.append(f"line {fs.lineno}, in {fs.name}: {(fs.line or '').strip()}"[:300])
    except BaseException:  # noqa: BLE001
        return []
    return frames[-FRAME_CAP:]


def _builtin_base(exc: BaseException) -> str | None:
    for klass in type(exc).__mro__:
        if klass.__module__ == "builtins" and klass.__name__ in wire.MAPPED_EXCEPTIONS:
            return klass.__name__
    return None


def _failure(kind: str, exc: BaseException | None, solution_path: str, message: str | None = None) -> dict:
    reply: dict[str, Any] = {"ok": False, "kind": kind}
    if exc is not None:
        reply["type"] = type(exc).__name__[:100]
        reply["builtin"] = _builtin_base(exc)
        reply["message"] = _render(exc) if message is None else message
        reply["frames"] = _learner_frames(exc, solution_path)
    else:
        reply["message"] = message or ""
    return reply


def _classify(exc: BaseException) -> str:
    if isinstance(exc, ForbiddenImport):
        return "forbidden"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, SystemExit):
        return "exited"
    return "error"


def _freeze(value: Any, depth: int = 0) -> Any:
    """A canonical, comparable snapshot of an argument (arrays by dtype, shape and bytes; containers deeply)."""
    t = type(value)
    if depth > 40:
        return ("deep",)
    if t is np.ndarray:
        return ("nd", value.dtype.str, value.shape, value.tobytes())
    if t is list or t is tuple:
        return (t.__name__, tuple(_freeze(v, depth + 1) for v in value))
    if t is dict:
        return ("dict", tuple((k, _freeze(v, depth + 1)) for k, v in value.items()))
    if t is float:
        return ("float", repr(value))
    if isinstance(value, np.generic):
        return ("np", value.dtype.str, value.tobytes())
    if t is np.random.Generator:
        return ("rng",)  # a generator is meant to advance
    return (t.__name__, repr(value) if t in (int, str, bool, type(None)) else id(value))


def _snapshot(args: tuple, kwargs: dict) -> list[tuple[str, Any, Any]]:
    """(name, value, frozen) for every argument that holds data a function could modify in place."""
    items = [(f"args[{i}]", v) for i, v in enumerate(args)] + [(f"kwargs[{k!r}]", v) for k, v in kwargs.items()]
    return [(name, v, _freeze(v)) for name, v in items if type(v) in (np.ndarray, list, dict)]


def _mutated(snapshots: list) -> list[str]:
    return [name for name, value, before in snapshots if _freeze(value) != before]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass


def _name_arguments(fn: Any, args: tuple, kwargs: dict, paths: list[str]) -> list[str]:
    """Turn ``args[1]`` into the parameter's name where the signature allows it."""
    try:
        names = list(inspect.signature(fn).parameters)
    except BaseException:  # noqa: BLE001
        return paths
    out = []
    for p in paths:
        if p.startswith("args[") and "]" in p:
            idx = int(p[5 : p.index("]")])
            rest = p[p.index("]") + 1 :]
            out.append((names[idx] if idx < len(names) else p) + rest)
        elif p.startswith("kwargs["):
            out.append(p[8 : p.index("]") - 1] + p[p.index("]") + 1 :])
        else:
            out.append(p)
    return out


def _cpu_time() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _set_cpu_budget(seconds: float) -> None:
    """Stop the process after about ``seconds`` more CPU time (RLIMIT_CPU, whole seconds, SIGXCPU)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = math.ceil(used + seconds)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))


def _global_rng_fingerprint() -> str:
    h = hashlib.sha256()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    h.update(name.encode() + keys.tobytes() + str((pos, has_gauss, cached)).encode())
    h.update(repr(random.getstate()).encode())
    return h.hexdigest()


class Worker:
    def __init__(self, req_fd: int, rep_fd: int) -> None:
        self.req_fd = req_fd
        self.rep_fd = rep_fd
        self.module: Any = None
        self.path = ""

    def reply(self, seq: int, body: dict, buffers: list[bytes] = ()) -> None:
        body["seq"] = seq
        wire.write_frame(self.rep_fd, body, buffers)

    def load(self, hello: dict) -> dict:
        self.path = hello["path"]
        if "source" in hello:  # a forked worker gets the submission's text over the pipe, never as a mount
            folder = os.path.dirname(self.path)
            os.makedirs(folder, exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fh:
                fh.write(hello["source"])
            os.chmod(self.path, 0o444)
        allowed = frozenset(hello["allowed_imports"]) | {"__future__"}
        sys.meta_path.insert(0, ImportGuard(self.path, allowed))
        np.random.seed(hello.get("seed", 0))
        random.seed(hello.get("seed", 0))
        _set_cpu_budget(hello["cpu_seconds"])
        spec = importlib.util.spec_from_file_location("solution", self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            return _failure("invalid", exc, self.path, f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})")
        except BaseException as exc:  # noqa: BLE001 - anything the learner's module raises at import
            kind = _classify(exc)
            frames = _learner_frames(exc, self.path)
            where = f" ({frames[-1]})" if frames else ""
            text = f"{type(exc).__name__} while importing your file: {_render(exc)}{where}"
            return _failure("invalid" if kind == "error" else kind, exc, self.path, text)
        self.module = module
        return {"ok": True}

    def call(self, req: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        name = req["name"]
        fn = getattr(self.module, name, None)
        if not callable(fn):
            return _failure("missing", None, self.path, f"your file does not define a function named '{name}'"), []
        args, kwargs = wire.decode(req["payload"], buffers)
        snapshots = _snapshot(args, kwargs)
        gens = [(i, v) for i, v in enumerate(args) if type(v) is np.random.Generator]
        gens += [(k, v) for k, v in kwargs.items() if type(v) is np.random.Generator]
        _set_cpu_budget(req["cpu_seconds"])
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every learner exception becomes a reply
            return _failure(_classify(exc), exc, self.path), []
        finally:
            _flush()
        mutated = _mutated(snapshots)
        if mutated:
            mutated = _name_arguments(fn, args, kwargs, mutated)
        try:
            node, out = wire.encode(result)
        except wire.WireError as exc:
            return {"ok": False, "kind": "wrong_type", "message": str(exc)}, []
        except RecursionError:
            return {"ok": False, "kind": "wrong_type", "message": "result nested too deeply"}, []
        return {
            "ok": True,
            "value": node,
            "mutated": mutated,
            "rng": [[k, wire.generator_state(g)] for k, g in gens],
        }, out

    def serve(self) -> None:
        # Before any learner code: the judge's own start-up worked, and the pid the trusted side watches the CPU of.
        self.reply(0, {"ok": True, "op": "booted", "pid": os.getpid()})
        hello, _ = wire.read_frame(self.req_fd)
        self.reply(hello.get("seq", 0), self.load(hello))
        while True:
            try:
                req, buffers = wire.read_frame(self.req_fd)
            except EOFError:
                return
            seq = req.get("seq", -1)
            op = req.get("op")
            if op == "call" and self.module is not None:
                started = _cpu_time()
                body, out = self.call(req, buffers)
                body["cpu_s"] = _cpu_time() - started  # what the call cost, charged to the test's budget
                self.reply(seq, body, out)
            elif op == "global_rng":
                self.reply(seq, {"ok": True, "value": _global_rng_fingerprint()})
            else:
                self.reply(seq, {"ok": False, "kind": "protocol", "message": f"unknown op {op!r}"})


def apply_limits(limits: dict) -> None:
    """Resource limits, set before any learner code runs (a process can lower them, never raise them)."""
    mb = 1 << 20
    pairs = [
        (resource.RLIMIT_AS, int(limits["memory_mb"]) * mb),
        (resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * mb),
        (resource.RLIMIT_NOFILE, int(limits["open_files"])),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, int(limits["total_cpu_s"])),
    ]
    if limits.get("processes"):
        pairs.append((resource.RLIMIT_NPROC, int(limits["processes"])))
    for which, value in pairs:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def bind_lifetime(parent: int | None) -> None:
    """Before any learner code (Linux): no new privileges, so no setuid program can give the worker back what its
    launcher took away; and SIGKILL when the process that started it dies. When that was ``parent`` (a pid in
    this namespace) and it is already gone, exit now. Set here, after exec and any uid change, which both clear
    the parent-death signal."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig, pr_set_no_new_privs = 1, 38
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0 or libc.prctl(pr_set_pdeathsig, 9, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed: the worker cannot bind its lifetime to the judge")
    if parent is not None and os.getppid() != parent:
        os._exit(70)


def run(req_fd: int, rep_fd: int, limits: dict, parent: int | None = None) -> None:
    """Bind the worker's lifetime to its launcher, apply ``limits``, then serve one submission on the two pipe
    ends; exits the process."""
    bind_lifetime(parent)
    apply_limits(limits)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    os.environ.pop("PYTHONSTARTUP", None)
    Worker(req_fd, rep_fd).serve()
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    run(int(argv[0]), int(argv[1]), json.loads(argv[2]), int(argv[3]) if len(argv) > 3 else None)


if __name__ == "__main__":
    main()
