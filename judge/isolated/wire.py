"""Wire format between the trusted checker and the untrusted worker.

A frame is a 4-byte big-endian header length, a JSON header, then raw buffers whose lengths the header lists.
Values are plain data only: None, bool, int, float (nan and inf kept), str, list, tuple, dict with str keys,
NumPy arrays and scalars of numeric or bool dtype (raw C-order bytes in a buffer; dtype and shape in the header,
checked against an allow-list and the buffer's length), numeric dtypes (``np.float32`` or ``np.dtype("int64")``,
received as ``np.dtype``) and ``numpy.random.Generator`` (carried as its bit-generator state). Anything else is
refused with :class:`WireError`. Nothing is ever pickled.

Decoding is bounded, because the trusted side decodes what a hostile worker writes: a reply's header is at most
:data:`MAX_HEADER_BYTES` (1 MiB), its buffers together at most the caller's ``max_total`` (the executor passes the
problem's memory limit, which no honest result can exceed), each buffer backs at most one array, and every string
is valid UTF-8 (unpaired surrogates become U+FFFD). So one reply costs the trusted side at most ``max_total`` bytes
of buffers plus the Python objects of a 1 MiB JSON header (tens of MiB), however it is crafted.

In the worker, arguments decode read-only (``readonly=True``): arrays over immutable memory that NumPy refuses to
make writable, lists and dicts as :class:`InputList` and :class:`InputDict`, which refuse every change. A function
that modifies an input in place fails at the line that does it, whatever the learner's code does to the judge's
own checks; what it reports can only cost the learner its own marks.
"""

from __future__ import annotations

import copy
import json
import os
import re
import struct
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISpawnableSeedSequence

MAX_HEADER_BYTES = 1 << 20  # of a reply, which the trusted side parses; results are arrays, not long JSON lists
MAX_REQUEST_HEADER_BYTES = 64 << 20  # of a request, written by the trusted side (the hello frame carries the source)
MAX_TOTAL_BYTES = 512 << 20
MAX_BUFFERS = 1 << 16
MAX_DEPTH = 32
MAX_NODES = 1_000_000
MAX_NDIM = 32
ALLOWED_KINDS = "biufc"  # bool, signed, unsigned, float, complex
ALLOWED_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# Builtin exception types a learner's exception is re-raised as in the trusted process (worker and proxy agree).
MAPPED_EXCEPTIONS = (
    "ValueError", "TypeError", "IndexError", "KeyError", "LookupError", "ZeroDivisionError",
    "ArithmeticError", "OverflowError", "FloatingPointError", "NotImplementedError", "RuntimeError",
    "RecursionError", "AttributeError", "AssertionError",
)

# The only dtype strings an array buffer may carry: native byte order, kinds in ALLOWED_KINDS ('<i8', '|b1', ...).
_DTYPES = {
    dt.str: np.dtype(dt.str)
    for dt in (np.dtype(code).newbyteorder("=") for code in np.typecodes["All"])
    if dt.kind in ALLOWED_KINDS and dt.fields is None and dt.itemsize > 0
}
_BOOL = np.dtype(np.bool_)
_BYTE = np.dtype(np.uint8)
_dump_json = json.JSONEncoder(allow_nan=True, separators=(",", ":")).encode
_load_json = json.JSONDecoder().decode


class WireError(ValueError):
    """A value that may not cross the boundary, or a malformed frame."""


class ReadOnlyInputError(TypeError):
    """Raised in the worker when the learner's code changes a list or dict it was given as an argument."""


def _refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
    kind = "list" if isinstance(self, list) else "dict"
    raise ReadOnlyInputError(f"this {kind} is an input and is read-only")


class InputList(list):
    """A list argument as the learner's function receives it: a ``list`` that refuses every change.
    Copies (``list(x)``, ``x[:]``, ``x.copy()``, ``copy.copy``, ``copy.deepcopy``) are plain, mutable lists."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo: dict) -> list:
        return [copy.deepcopy(v, memo) for v in self]


class InputDict(dict):
    """A dict argument as the learner's function receives it: a ``dict`` that refuses every change."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    update = pop = popitem = clear = setdefault = _refuse

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}


class _Encoder:
    def __init__(self) -> None:
        self.buffers: list[bytes] = []
        self.nodes = 0
        self.total = 0

    def _buffer(self, data: np.ndarray | np.generic, what: str) -> tuple[int, str]:
        """Append ``data``'s raw C-order bytes (native byte order); returns the buffer index and dtype string."""
        dt = data.dtype
        if not dt.isnative:
            data = data.astype(dt.newbyteorder("="))
            dt = data.dtype
        dstr = dt.str
        if dstr not in _DTYPES:
            raise WireError(f"{what} of dtype {dt} cannot be sent (numeric or bool only)")
        self.total += data.nbytes
        if self.total > MAX_TOTAL_BYTES:
            raise WireError(f"value too large (over {MAX_TOTAL_BYTES >> 20} MiB)")
        self.buffers.append(data.tobytes())  # a C-order copy, whatever the layout
        return len(self.buffers) - 1, dstr

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
        if t is float or t is str or t is bool or value is None:
            return value
        if t is int:
            if -(1 << 63) < value < 1 << 63:
                return value
            try:
                return {"__bigint__": str(value)}
            except ValueError:  # more digits than int <-> str conversion allows
                raise WireError("int too large to send") from None
        if t is list or t is InputList:
            return [self.encode(v, depth + 1) for v in value]
        if t is tuple:
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if t is dict or t is InputDict:
            out = {}
            for k, v in value.items():
                if type(k) is not str:
                    raise WireError(f"dict key {type(k).__name__} is not a str")
                out[k] = self.encode(v, depth + 1)
            return {"__dict__": out}
        if t is np.ndarray:
            shape = value.shape  # a dimension over MAX_TOTAL_BYTES can only be in an empty array
            if len(shape) > MAX_NDIM or (not value.size and any(n > MAX_TOTAL_BYTES for n in shape)):
                raise WireError(f"array of shape {shape} cannot be sent")
            index, dstr = self._buffer(value, "array")
            return {"__ndarray__": [index, dstr, list(shape)]}
        if t is np.random.Generator:
            state = value.bit_generator.state
            if state.get("bit_generator") not in ALLOWED_BIT_GENERATORS:
                raise WireError("unsupported bit generator")
            return {"__rng__": _plain_json(state)}
        if isinstance(value, np.generic) and t.__module__ == "numpy":
            return {"__npscalar__": list(self._buffer(value, "numpy scalar"))}
        if t is np.dtype or (isinstance(value, np.dtype) and t.__module__.startswith("numpy")):
            return self._dtype(value)
        if isinstance(value, type) and issubclass(value, np.generic) and value.__module__ == "numpy":
            return self._dtype(np.dtype(value))
        raise WireError(f"{t.__module__}.{t.__qualname__} cannot be sent (plain data only)")


def _plain_json(state: Any) -> Any:
    """Bit-generator states hold ints, strs, dicts and (for MT19937, SFC64, Philox) uint arrays."""
    t = type(state)
    if t is dict:
        return {str(k): _plain_json(v) for k, v in state.items()}
    if t is int or t is str:
        return state
    if isinstance(state, np.ndarray):
        return {"__uint_list__": state.tolist(), "dtype": str(state.dtype)}
    if isinstance(state, np.integer):
        return int(state)
    return state


def _restore_state(state: Any, depth: int = 0) -> Any:
    if depth > 4:  # real states are two dicts deep
        raise WireError("bad generator state")
    if type(state) is dict:
        if "__uint_list__" in state:
            name, values = state.get("dtype"), state["__uint_list__"]
            if name not in ("uint32", "uint64") or type(values) is not list or any(type(v) is not int for v in values):
                raise WireError("bad generator state")
            try:
                return np.asarray(values, dtype=np.dtype(name))
            except (TypeError, ValueError, OverflowError):
                raise WireError("bad generator state") from None
        return {k: _restore_state(v, depth + 1) for k, v in state.items()}
    if type(state) not in (int, str, bool, float):
        raise WireError("bad generator state")
    return state


class _StateOnlySeed(ISpawnableSeedSequence):
    """Seeds a bit generator whose state is overwritten at once: no OS entropy, no hashing.

    ``spawn`` behaves as on an unseeded generator (children from a fresh entropy-seeded ``SeedSequence``).
    """

    __slots__ = ("_seq",)

    def __init__(self) -> None:
        self._seq: np.random.SeedSequence | None = None

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        return np.zeros(n_words, dtype=dtype)

    def spawn(self, n_children: int) -> list:
        if self._seq is None:
            self._seq = np.random.SeedSequence()
        return self._seq.spawn(n_children)


def make_generator(state: dict) -> np.random.Generator:
    """Rebuild a Generator from a wire state (only known bit generators; malformed states are a WireError)."""
    name = state.get("bit_generator") if type(state) is dict else None
    if name not in ALLOWED_BIT_GENERATORS:
        raise WireError("unsupported bit generator")
    bitgen = getattr(np.random, name)(_StateOnlySeed())
    restored = _restore_state(state)
    try:
        bitgen.state = restored
    except (KeyError, IndexError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise WireError(f"bad generator state ({type(exc).__name__})") from None
    # numpy does not range-check these indexes into the state's buffers: out of range would read out of bounds
    if name == "MT19937" and not 0 <= bitgen.state["state"]["pos"] <= 624:
        raise WireError("bad generator state (pos)")
    if name == "Philox" and not 0 <= bitgen.state["buffer_pos"] <= 4:
        raise WireError("bad generator state (buffer_pos)")
    return np.random.Generator(bitgen)


def generator_state(gen: np.random.Generator) -> Any:
    return _plain_json(gen.bit_generator.state)


class _Decoder:
    """Builds values from a node and its buffers, each buffer backing at most one array (a reply that names one
    large buffer many times must not cost one copy per mention)."""

    def __init__(self, buffers: list, readonly: bool) -> None:
        self.buffers = buffers
        self.readonly = readonly
        self.used = bytearray(len(buffers))
        self.nodes = 0

    def _array(self, index: Any, dstr: Any, shape: Any) -> np.ndarray:
        """A C-contiguous array from a buffer whose dtype and length are checked first: a fresh writable one (or
        the buffer itself when it is a uint8 array the caller handed over), read-only over immutable memory with
        ``readonly``."""
        dt = _DTYPES.get(dstr) if type(dstr) is str else None
        if dt is None:
            raise WireError("array of a disallowed dtype")
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise WireError("bad buffer reference")
        if self.used[index]:
            raise WireError("a buffer used twice")
        self.used[index] = 1
        if type(shape) is not list or len(shape) > MAX_NDIM:
            raise WireError("bad array shape")
        count = 1
        for n in shape:
            if type(n) is not int or not 0 <= n <= MAX_TOTAL_BYTES:
                raise WireError("bad array shape")
            count *= n
        buf = self.buffers[index]
        if count * dt.itemsize != len(buf):
            raise WireError("array buffer does not match its dtype and shape")
        try:
            if self.readonly:  # from the trusted side: bools are 0 or 1 already
                if not isinstance(buf, bytes) and not (type(buf) is memoryview and isinstance(buf.obj, bytes)):
                    buf = bytes(buf)
                return np.frombuffer(buf, dt, count).reshape(shape)
            if type(buf) is np.ndarray and buf.dtype == _BYTE and buf.flags.writeable and buf.flags.c_contiguous:
                if dt.kind == "b":  # any nonzero byte becomes a proper True, in place
                    np.not_equal(buf, 0, out=buf.view(_BOOL))
                return buf.view(dt).reshape(shape)
            if dt.kind == "b":
                return np.frombuffer(buf, _BYTE, count).reshape(shape).astype(_BOOL)
            return np.frombuffer(buf, dt, count).reshape(shape).copy()
        except (ValueError, TypeError, MemoryError) as exc:
            raise WireError(f"bad array buffer: {exc}") from None

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("value too large or too deeply nested")
        t = type(node)
        if t is float or t is int or t is str or t is bool or node is None:
            return node
        if t is list:
            out = [self.decode(v, depth + 1) for v in node]
            return InputList(out) if self.readonly else out
        if t is dict and len(node) == 1:
            (tag, body), = node.items()
            if tag == "__tuple__" and type(body) is list:
                return tuple([self.decode(v, depth + 1) for v in body])
            if tag == "__ndarray__" and type(body) is list and len(body) == 3:
                return self._array(*body)
            if tag == "__dict__" and type(body) is dict:
                out = {str(k): self.decode(v, depth + 1) for k, v in body.items()}
                return InputDict(out) if self.readonly else out
            if tag == "__npscalar__" and type(body) is list and len(body) == 2:
                return self._array(body[0], body[1], [])[()]
            if tag == "__bigint__" and type(body) is str:
                try:
                    return int(body)
                except ValueError:
                    raise WireError("bad int") from None
            if tag == "__dtype__" and type(body) is str and len(body) <= 8:
                dt = _DTYPES.get(body)
                if dt is not None:
                    return dt
                try:
                    dt = np.dtype(body)
                except (TypeError, ValueError):
                    raise WireError("bad dtype") from None
                if dt.kind not in ALLOWED_KINDS or dt.fields is not None:
                    raise WireError("bad dtype")
                return dt
            if tag == "__rng__":
                return make_generator(body)
        raise WireError("malformed value")


def encode(value: Any) -> tuple[Any, list[bytes]]:
    """Encode ``value`` into a JSON-able node and its buffers."""
    enc = _Encoder()
    return enc.encode(value), enc.buffers


def decode(node: Any, buffers: list, *, readonly: bool = False) -> Any:
    """Decode a node produced by :func:`encode`, each buffer into at most one array (WireError otherwise).

    Arrays are fresh copies, except over buffers that are writable uint8 NumPy arrays, which the caller hands over
    (the executor reads each reply buffer into one). With ``readonly`` (the worker's arguments), arrays are views of
    immutable memory that cannot be made writable, and lists and dicts are :class:`InputList` and
    :class:`InputDict`."""
    return _Decoder(buffers, readonly).decode(node)


def frame_parts(header: dict, buffers: list[bytes] = (), max_header: int = MAX_HEADER_BYTES) -> list[bytes]:
    """One frame as the parts to write in order: header length and JSON header (with buffer sizes), buffers."""
    header = dict(header, __buffers__=[len(b) for b in buffers])
    raw = _dump_json(header).encode()
    if len(raw) > max_header:
        raise WireError(f"header too large ({len(raw)} bytes, over {max_header})")
    return [struct.pack(">I", len(raw)) + raw, *buffers]


def pack(header: dict, buffers: list[bytes] = ()) -> bytes:
    """One frame as a single bytes object (see :func:`frame_parts`)."""
    return b"".join(frame_parts(header, buffers))


def write_parts(fd: int, parts: list[bytes], on_full: Callable[[], None] | None = None) -> None:
    """Write ``parts`` in order with as few system calls as the fd allows (no joined copy). On a non-blocking
    fd, ``on_full`` is called whenever the pipe is full: it waits until it is writable or raises."""
    views = [memoryview(p).cast("B") for p in parts if len(p)]
    while views:
        try:
            n = os.writev(fd, views[:512])  # IOV_MAX is 1024 on Linux
        except BlockingIOError:
            if on_full is None:
                raise
            on_full()
            continue
        while n:
            if n >= len(views[0]):
                n -= len(views.pop(0))
            else:
                views[0], n = views[0][n:], 0


def read_into(fd: int, view: memoryview, on_empty: Callable[[], None] | None = None) -> None:
    """Fill ``view`` from ``fd`` (EOFError if the channel closes first). On a non-blocking fd, ``on_empty`` is
    called whenever there is nothing to read: it waits until there is or raises."""
    have = 0
    while have < len(view):
        try:
            n = os.readv(fd, [view[have:]])
        except BlockingIOError:
            if on_empty is None:
                raise
            on_empty()
            continue
        if not n:
            raise EOFError("channel closed")
        have += n


def _read_exact(fd: int, n: int) -> bytearray:
    out = bytearray(n)
    read_into(fd, memoryview(out))
    return out


def header_size(prefix: bytes | bytearray, max_header: int = MAX_HEADER_BYTES) -> int:
    """The header length announced by a frame's first 4 bytes (WireError when it is over ``max_header``)."""
    (size,) = struct.unpack(">I", prefix)
    if size > max_header:
        raise WireError(f"header too large ({size} bytes, over {max_header})")
    return size


# A JSON escape of a surrogate (D800-DFFF): only then can the parsed header hold an unpaired one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(value: Any) -> Any:
    """``value`` with every unpaired surrogate in its strings and keys (text no UTF-8 writer accepts: the gradebook
    write would fail) replaced by U+FFFD."""
    t = type(value)
    if t is str:
        return _SURROGATE.sub("\ufffd", value)
    if t is list:
        return [_valid_text(v) for v in value]
    if t is dict:
        return {_valid_text(k): _valid_text(v) for k, v in value.items()}
    return value


def parse_header(raw: bytes | bytearray, max_total: int = MAX_TOTAL_BYTES) -> tuple[dict, list[int]]:
    """Decode a frame's JSON header; returns it and the sizes of the buffers that follow (checked: at most
    :data:`MAX_BUFFERS` of them, ``max_total`` bytes in all). Its strings are valid UTF-8."""
    try:
        header = _load_json(raw.decode())
        if _SURROGATE_ESCAPE.search(raw):
            header = _valid_text(header)
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, an int of too many digits, deep nesting
        raise WireError(f"bad header: {type(exc).__name__}: {str(exc)[:200]}") from None
    if type(header) is not dict:
        raise WireError("header is not an object")
    sizes = header.pop("__buffers__", [])
    if type(sizes) is not list or len(sizes) > MAX_BUFFERS or any(type(s) is not int or s < 0 for s in sizes):
        raise WireError("bad buffer sizes")
    if sum(sizes) > max_total:
        raise WireError(f"buffers too large ({sum(sizes)} bytes, over {max_total})")
    return header, sizes


def read_frame(fd: int, max_header: int = MAX_REQUEST_HEADER_BYTES, immutable: bool = False,
               ) -> tuple[dict, list[memoryview]]:
    """Read one frame from a blocking fd (the worker's requests, written by the trusted side). Raises EOFError on a
    closed channel, WireError on garbage.

    The buffers are read at once and returned as views of one ``bytearray``, or of one ``bytes`` with
    ``immutable`` (for :func:`decode` with ``readonly``).
    """
    header, sizes = parse_header(_read_exact(fd, header_size(_read_exact(fd, 4), max_header)))
    if not sizes:
        return header, []
    blob = _read_exact(fd, sum(sizes))
    blob = memoryview(bytes(blob) if immutable else blob)
    buffers, pos = [], 0
    for s in sizes:
        buffers.append(blob[pos : pos + s])
        pos += s
    return header, buffers


def write_frame(fd: int, header: dict, buffers: list[bytes] = (), max_header: int = MAX_HEADER_BYTES) -> None:
    write_parts(fd, frame_parts(header, buffers, max_header))
