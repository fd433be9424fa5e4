"""The untrusted worker: imports one learner file and serves calls to its functions.

It runs in its own process, launched by :mod:`judge.engine.executor` (directly, or forked by the zygote,
:mod:`judge.isolated.zygote`), and applies its resource limits, drops every privilege and installs the syscall
filter itself before any learner code (:func:`run`). It imports nothing of the judge's tests or solutions: only
this package and the learner's file. It first sends its boot frame (``booted``, sequence 0); the first frame it
receives (``hello``) names the file (or, from the zygote, carries its source), the entry points and the import
allow-list; it answers with the functions the file defines (or a load failure), then one reply per request.
Every reply carries the request's sequence number.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import json
import linecache
import math
import os
import random
import resource
import sys
import traceback
from typing import Any

import numpy as np

from judge.isolated import confine, wire

MESSAGE_CAP = 2000
BUILDS_ON_FOLDER = "/builds-on-from-memory"  # the __file__ folder of a learner's earlier solution: no file is there
FRAME_CAP = 12
ALWAYS_FORBIDDEN = frozenset({
    "torch", "scipy", "jax", "jaxlib", "sklearn", "tensorflow", "keras", "transformers", "numba", "cupy",
    "mlx", "pandas", "flax", "einops", "tinygrad", "autograd", "theano", "paddle", "mxnet", "onnxruntime",
})


class ForbiddenImport(ImportError):
    """Raised by the import guard; reported as the verdict ``forbidden``."""


class ImportGuard(importlib.abc.MetaPathFinder):
    """Refuses ML frameworks everywhere, and any module outside the allow-list imported by the learner's files
    (the submission and the earlier solutions it builds on)."""

    def __init__(self, learner_files: frozenset[str], allowed: frozenset[str]) -> None:
        self.learner_files = learner_files
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
        if top not in self.allowed and self._importer() in self.learner_files:
            raise ForbiddenImport(f"import of '{fullname}' is not allowed in this problem")
        return None


class BuildsOn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """The learner's own earlier solutions (judge/engine/builds_on.py), loaded from the text of the hello frame:
    ``modules`` maps each builds-on name to ``{"file", "source"}`` or ``{"missing": message}``. Nothing on disk
    backs them (their ``__file__`` is under :data:`BUILDS_ON_FOLDER`, which no tier has, so not even the weak tier's
    worker, which loads the submission from where it lies, names the learner's real file), so the submission cannot
    change them, and a builds-on name is never looked up anywhere else."""

    def __init__(self, modules: dict[str, dict[str, str]]) -> None:
        self.modules = modules
        self.paths = {name: f"{BUILDS_ON_FOLDER}/{m['file']}" for name, m in modules.items() if "source" in m}

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        entry = self.modules.get(fullname)
        if entry is None:
            return None
        if "source" not in entry:
            raise ModuleNotFoundError(entry["missing"], name=fullname)
        return importlib.util.spec_from_loader(fullname, self, origin=self.paths[fullname])

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        name = module.__name__
        path, source = self.paths[name], self.modules[name]["source"]
        module.__file__ = path
        linecache.cache[path] = (len(source), None, source.splitlines(True), path)  # line text in frames
        exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)


def _render(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not kill the worker
        text = "<message unavailable: its __str__ raised>"
    if type(text) is not str:
        text = "<message unavailable>"
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + f"... [{len(text) - MESSAGE_CAP} more chars]"


def _learner_frames(exc: BaseException, solution_path: str, built_on: frozenset[str] = frozenset()) -> list[str]:
    """The frames of the learner's files: the submission's as ``line N, in f``, an earlier solution's it builds on
    as ``tiny_transformer.py line N, in f``."""
    frames = []
    try:
        for fs in traceback.extract_tb(exc.__traceback__):
            if fs.filename == solution_path or fs.filename in built_on:
                where = "" if fs.filename == solution_path else f"{os.path.basename(fs.filename)} "
                frames.append(f"{where}line {fs.lineno}, in {fs.name}: {(fs.line or '').strip()}"[:300])
    except BaseException:  # noqa: BLE001
        return []
    return frames[-FRAME_CAP:]


def _builtin_base(exc: BaseException) -> str | None:
    for klass in type(exc).__mro__:
        if klass.__module__ == "builtins" and (klass.__name__ in wire.MAPPED_EXCEPTIONS or klass is MemoryError):
            return klass.__name__
    return None


def _exception(exc: BaseException, solution_path: str, message: str | None = None,
               built_on: frozenset[str] = frozenset()) -> dict:
    """The only failure a worker reports: a learner exception (type, builtin base, message, the learner's frames).
    The trusted side decides the verdict; the worker never names one."""
    return {"ok": False, "exception": {
        "type": type(exc).__name__[:100],
        "builtin": _builtin_base(exc),
        "message": _render(exc) if message is None else message,
        "frames": _learner_frames(exc, solution_path, built_on),
    }}


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass




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
        self.built_on: frozenset[str] = frozenset()

    def reply(self, seq: int, body: dict, buffers: list[bytes] = ()) -> None:
        body["seq"] = seq
        try:
            parts = wire.frame_parts(body, buffers)
        except wire.WireError as exc:  # the trusted side reads at most 1 MiB of header
            parts = wire.frame_parts({"seq": seq, "ok": False, "unsendable": (
                f"the result is too large to send as plain Python data ({exc}); return NumPy arrays")})
        wire.write_parts(self.rep_fd, parts)

    def load(self, hello: dict) -> dict:
        self.path = hello["path"]
        if "source" in hello:  # a forked worker gets the submission's text over the pipe, never as a mount
            folder = os.path.dirname(self.path)
            os.makedirs(folder, exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fh:
                fh.write(hello["source"])
            os.chmod(self.path, 0o444)
        allowed = frozenset(hello["allowed_imports"]) | {"__future__"}
        builds_on = BuildsOn(hello.get("builds_on") or {})
        self.built_on = frozenset(builds_on.paths.values())
        sys.meta_path.insert(0, builds_on)
        sys.meta_path.insert(0, ImportGuard(self.built_on | {self.path}, allowed))
        np.random.seed(hello.get("seed", 0))
        random.seed(hello.get("seed", 0))
        _set_cpu_budget(hello["cpu_seconds"])
        spec = importlib.util.spec_from_file_location("solution", self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            where = "" if exc.filename == self.path else f"{os.path.basename(exc.filename or '')} "
            return _exception(exc, self.path, f"{type(exc).__name__}: {exc.msg} ({where}line {exc.lineno})")
        except BaseException as exc:  # noqa: BLE001 - anything the learner's module raises at import
            if isinstance(exc, SystemExit):
                return _exception(exc, self.path, _render(exc))
            frames = _learner_frames(exc, self.path, self.built_on)
            where = f" ({frames[-1]})" if frames else ""
            return _exception(exc, self.path, f"{type(exc).__name__} while importing your file: {_render(exc)}{where}",
                              self.built_on)
        self.module = module
        defined = [name for name in hello["entry_points"] if callable(getattr(module, name, None))]
        return {"ok": True, "defined": defined}

    def call(self, req: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        name = req["name"]
        fn = getattr(self.module, name, None)
        if not callable(fn):  # the trusted side asks only for functions the file defined when it loaded
            return _exception(AttributeError(f"'{name}' is no longer a function of your module"), self.path), []
        # Read-only: arrays NumPy cannot make writable, lists and dicts that refuse changes. A function that modifies
        # an input fails where it does, and the trusted side, not a check in here, makes that its verdict.
        args, kwargs = wire.decode(req["payload"], buffers, readonly=True)
        gens = [(i, v) for i, v in enumerate(args) if type(v) is np.random.Generator]
        gens += [(k, v) for k, v in kwargs.items() if type(v) is np.random.Generator]
        _set_cpu_budget(req["cpu_seconds"])
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every learner exception becomes a reply
            return _exception(exc, self.path, built_on=self.built_on), []
        finally:
            _flush()
        try:
            node, out = wire.encode(result)
        except wire.WireError as exc:
            return {"ok": False, "unsendable": str(exc)}, []
        except RecursionError:
            return {"ok": False, "unsendable": "result nested too deeply"}, []
        return {
            "ok": True,
            "value": node,
            "rng": [[k, wire.generator_state(g)] for k, g in gens],
        }, out

    def serve(self) -> None:
        # Before any learner code: the judge's own start-up worked, and the pid the trusted side watches the CPU of.
        self.reply(0, {"ok": True, "op": "booted", "pid": os.getpid()})
        hello, _ = wire.read_frame(self.req_fd)
        self.reply(hello.get("seq", 0), self.load(hello))
        while True:
            try:
                req, buffers = wire.read_frame(self.req_fd, immutable=True)
            except EOFError:
                return
            seq = req.get("seq", -1)
            op = req.get("op")
            if op == "call" and self.module is not None:
                body, out = self.call(req, buffers)
                self.reply(seq, body, out)
            elif op == "global_rng":
                self.reply(seq, {"ok": True, "value": _global_rng_fingerprint()})
            else:  # the trusted side never sends anything else: say nothing it could mistake for an answer
                return


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
    launcher took away (the container tier drops to an unprivileged uid before exec); and SIGKILL when the process
    that started it dies. When that was ``parent`` (a pid in this namespace) and it is already gone, exit now. Set
    here, after exec and any uid change, which both clear the parent-death signal."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    if prctl(confine.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or prctl(confine.PR_SET_PDEATHSIG, 9, 0, 0, 0) != 0:
        raise confine.ConfineError(ctypes.get_errno(), "prctl: the worker cannot bind its lifetime to the judge")
    if parent is not None and os.getppid() != parent:
        os._exit(70)


def run(req_fd: int, rep_fd: int, limits: dict, parent: int | None = None) -> None:
    """Bind the worker's lifetime to its launcher, apply ``limits``, give up every privilege and install the
    syscall filter the trusted side built, then serve one submission on the two pipe ends; exits the process. A
    confinement step that fails ends the process before any learner code runs (the trusted side reports that the
    worker did not start)."""
    bind_lifetime(parent)
    apply_limits(limits)
    program = limits.get("syscall_filter")
    if program:
        confine.drop_privileges()
        confine.install_filter(bytes.fromhex(program))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    os.environ.pop("PYTHONSTARTUP", None)
    Worker(req_fd, rep_fd).serve()
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    run(int(argv[0]), int(argv[1]), json.loads(argv[2]), int(argv[3]) if len(argv) > 3 else None)


if __name__ == "__main__":
    main()
