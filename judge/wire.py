"""Wire format between the trusted checker and the untrusted worker.

A frame is a 4-byte big-endian header length, a JSON header, then raw buffers whose lengths the header lists.
Values are plain data only: None, bool, int, float (nan and inf kept), str, list, tuple, dict with str keys,
NumPy arrays and scalars of numeric or bool dtype (carried as ``.npy`` buffers, loaded with
``allow_pickle=False``), numeric dtypes (``np.float32`` or ``np.dtype("int64")``, received as ``np.dtype``)
and ``numpy.random.Generator`` (carried as its bit-generator state). Anything else is refused with
:class:`WireError`. Nothing is ever pickled.
"""

from __future__ import annotations

import io
import json
import os
import struct
from typing import Any

import numpy as np

MAX_HEADER_BYTES = 64 << 20
MAX_TOTAL_BYTES = 512 << 20
MAX_DEPTH = 32
MAX_NODES = 1_000_000
ALLOWED_KINDS = "biufc"  # bool, signed, unsigned, float, complex
ALLOWED_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# Builtin exception types a learner's exception is re-raised as in the trusted process (worker and proxy agree).
MAPPED_EXCEPTIONS = (
    "ValueError", "TypeError", "IndexError", "KeyError", "LookupError", "ZeroDivisionError",
    "ArithmeticError", "OverflowError", "FloatingPointError", "NotImplementedError", "RuntimeError",
    "RecursionError", "AttributeError", "AssertionError",
)


class WireError(ValueError):
    """A value that may not cross the boundary, or a malformed frame."""


class _Encoder:
    def __init__(self) -> None:
        self.buffers: list[bytes] = []
        self.nodes = 0
        self.total = 0

    def _buffer(self, arr: np.ndarray) -> int:
        bio = io.BytesIO()
        np.save(bio, arr, allow_pickle=False)
        data = bio.getvalue()
        self.total += len(data)
        if self.total > MAX_TOTAL_BYTES:
            raise WireError(f"value too large (over {MAX_TOTAL_BYTES >> 20} MiB)")
        self.buffers.append(data)
        return len(self.buffers) - 1

    @staticmethod
    def _dtype(dt: np.dtype) -> dict:
        if dt.kind not in ALLOWED_KINDS or dt.fields is not None:
            raise WireError(f"dtype {dt} cannot be sent (numeric or bool only)")
        return {"__dtype__": dt.str}

    def encode(self, value: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WireError(f"value has more than {MAX_NODES} elements")
        if depth > MAX_DEPTH:
            raise WireError(f"value nested deeper than {MAX_DEPTH} levels")
        t = type(value)
        if value is None or t is bool or t is str:
            return value
        if t is int:
            if abs(value) >= 1 << 63:
                return {"__bigint__": str(value)}
            return value
        if t is float:
            return value
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is tuple:
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if t is dict:
            out = {}
            for k, v in value.items():
                if type(k) is not str:
                    raise WireError(f"dict key {type(k).__name__} is not a str")
                out[k] = self.encode(v, depth + 1)
            return {"__dict__": out}
        if t is np.ndarray:
            if value.dtype.kind not in ALLOWED_KINDS or value.dtype.fields is not None:
                raise WireError(f"array of dtype {value.dtype} cannot be sent (numeric or bool only)")
            return {"__ndarray__": self._buffer(value)}
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            if value.dtype.kind not in ALLOWED_KINDS:
                raise WireError(f"numpy scalar of dtype {value.dtype} cannot be sent")
            return {"__npscalar__": self._buffer(np.asarray(value))}
        if t is np.dtype or (isinstance(value, np.dtype) and type(value).__module__.startswith("numpy")):
            return self._dtype(value)
        if isinstance(value, type) and issubclass(value, np.generic) and value.__module__ == "numpy":
            return self._dtype(np.dtype(value))
        if t is np.random.Generator:
            state = value.bit_generator.state
            if state.get("bit_generator") not in ALLOWED_BIT_GENERATORS:
                raise WireError("unsupported bit generator")
            return {"__rng__": _plain_json(state)}
        raise WireError(f"{t.__module__}.{t.__qualname__} cannot be sent (plain data only)")


def _plain_json(state: Any) -> Any:
    """Bit-generator states hold ints, strs, dicts and (for MT19937) a uint32 array."""
    if isinstance(state, dict):
        return {str(k): _plain_json(v) for k, v in state.items()}
    if isinstance(state, np.ndarray):
        return {"__uint_list__": [int(x) for x in state.tolist()], "dtype": str(state.dtype)}
    if isinstance(state, (np.integer,)):
        return int(state)
    return state


def _restore_state(state: Any) -> Any:
    if isinstance(state, dict):
        if "__uint_list__" in state:
            dtype = np.dtype(state["dtype"])
            if dtype.kind not in "ui":
                raise WireError("bad generator state")
            return np.asarray(state["__uint_list__"], dtype=dtype)
        return {k: _restore_state(v) for k, v in state.items()}
    if type(state) not in (int, str, bool, float):
        raise WireError("bad generator state")
    return state


def make_generator(state: dict) -> np.random.Generator:
    """Rebuild a Generator from a wire state (only known bit generators)."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in ALLOWED_BIT_GENERATORS:
        raise WireError("unsupported bit generator")
    bitgen = getattr(np.random, name)()
    bitgen.state = _restore_state(state)
    return np.random.Generator(bitgen)


def generator_state(gen: np.random.Generator) -> Any:
    return _plain_json(gen.bit_generator.state)


class _Decoder:
    def __init__(self, buffers: list[bytes]) -> None:
        self.buffers = buffers
        self.nodes = 0

    def _array(self, index: Any) -> np.ndarray:
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise WireError("bad buffer reference")
        try:
            arr = np.load(io.BytesIO(self.buffers[index]), allow_pickle=False)
        except Exception as exc:  # malformed .npy or object dtype
            raise WireError(f"bad array buffer: {exc}") from None
        if type(arr) is not np.ndarray or arr.dtype.kind not in ALLOWED_KINDS:
            raise WireError("array of a disallowed dtype")
        return arr

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("value too large or too deeply nested")
        t = type(node)
        if node is None or t in (bool, int, float, str):
            return node
        if t is list:
            return [self.decode(v, depth + 1) for v in node]
        if t is dict and len(node) == 1:
            (tag, body), = node.items()
            if tag == "__tuple__" and type(body) is list:
                return tuple(self.decode(v, depth + 1) for v in body)
            if tag == "__dict__" and type(body) is dict:
                return {str(k): self.decode(v, depth + 1) for k, v in body.items()}
            if tag == "__ndarray__":
                return self._array(body)
            if tag == "__npscalar__":
                arr = self._array(body)
                if arr.ndim != 0:
                    raise WireError("numpy scalar buffer is not 0-d")
                return arr[()]
            if tag == "__bigint__" and type(body) is str:
                return int(body)
            if tag == "__dtype__" and type(body) is str and len(body) <= 8:
                try:
                    dt = np.dtype(body)
                except TypeError:
                    raise WireError("bad dtype") from None
                if dt.kind not in ALLOWED_KINDS:
                    raise WireError("bad dtype")
                return dt
            if tag == "__rng__":
                return make_generator(body)
        raise WireError("malformed value")


def encode(value: Any) -> tuple[Any, list[bytes]]:
    """Encode ``value`` into a JSON-able node and its buffers."""
    enc = _Encoder()
    return enc.encode(value), enc.buffers


def decode(node: Any, buffers: list[bytes]) -> Any:
    """Decode a node produced by :func:`encode`; always builds fresh objects."""
    return _Decoder(buffers).decode(node)


def pack(header: dict, buffers: list[bytes] = ()) -> bytes:
    """One frame: header length, JSON header (with buffer sizes), buffers."""
    header = dict(header, __buffers__=[len(b) for b in buffers])
    raw = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    if len(raw) > MAX_HEADER_BYTES:
        raise WireError("header too large")
    return struct.pack(">I", len(raw)) + raw + b"".join(buffers)


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("channel closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def header_size(prefix: bytes) -> int:
    """The header length announced by a frame's first 4 bytes (WireError when it is too large)."""
    (size,) = struct.unpack(">I", prefix)
    if size > MAX_HEADER_BYTES:
        raise WireError("header too large")
    return size


def parse_header(raw: bytes) -> tuple[dict, list[int]]:
    """Decode a frame's JSON header; returns it and the sizes of the buffers that follow (checked)."""
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"bad header: {exc}") from None
    if type(header) is not dict:
        raise WireError("header is not an object")
    sizes = header.pop("__buffers__", [])
    if type(sizes) is not list or any(type(s) is not int or s < 0 for s in sizes) or sum(sizes) > MAX_TOTAL_BYTES:
        raise WireError("bad buffer sizes")
    return header, sizes


def read_frame(fd: int) -> tuple[dict, list[bytes]]:
    """Read one frame from a blocking fd. Raises EOFError on a closed channel, WireError on garbage."""
    header, sizes = parse_header(_read_exact(fd, header_size(_read_exact(fd, 4))))
    return header, [_read_exact(fd, s) for s in sizes]


def write_frame(fd: int, header: dict, buffers: list[bytes] = ()) -> None:
    data = memoryview(pack(header, buffers))
    while data:
        n = os.write(fd, data)
        data = data[n:]
