"""The wire format: plain data round-trips exactly; everything else is refused; nothing is pickled."""

from __future__ import annotations

import io
import math
import os

import numpy as np
import pytest

from judge.isolated import wire


def roundtrip(value):
    node, buffers = wire.encode(value)
    frame = wire.pack({"v": node}, buffers)
    r, w = os.pipe()
    try:
        os.write(w, frame)
        header, bufs = wire.read_frame(r)
    finally:
        os.close(r)
        os.close(w)
    return wire.decode(header["v"], bufs)


@pytest.mark.parametrize("value", [
    None, True, 0, -5, 2**70, 1.5, float("inf"), "text", [1, [2, 3]], (1, (2,)), {"a": [1, 2], "b": None},
])
def test_plain_values_roundtrip(value):
    """Scalars and containers come back equal and of the same types (tuples stay tuples)."""
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_nan_roundtrips():
    """NaN is kept."""
    assert math.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("dtype", [bool, np.int8, np.int32, np.int64, np.uint16, np.float16, np.float32,
                                   np.float64, np.complex128])
def test_arrays_roundtrip_with_dtype_and_shape(dtype):
    """Arrays keep dtype, shape and values (including 0-d and empty)."""
    for arr in (np.arange(12).reshape(3, 4).astype(dtype), np.zeros((0, 5), dtype=dtype), np.array(3, dtype=dtype)):
        got = roundtrip(arr)
        assert type(got) is np.ndarray and got.dtype == arr.dtype and got.shape == arr.shape
        np.testing.assert_array_equal(got, arr)


def test_numpy_scalars_roundtrip():
    """np.float64 / np.int64 scalars come back as numpy scalars of the same dtype."""
    for v in (np.float64(1.25), np.int64(7), np.float32(0.5), np.bool_(True)):
        got = roundtrip(v)
        assert type(got) is type(v) and got == v


def test_generator_state_crosses():
    """A Generator arrives with the same state: it draws the same numbers."""
    g = np.random.default_rng(123)
    got = roundtrip(g)
    assert type(got) is np.random.Generator
    np.testing.assert_array_equal(got.integers(0, 1000, 10), np.random.default_rng(123).integers(0, 1000, 10))


class Liar:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [
    Liar(), np.array([Liar()], dtype=object), np.array(["a", "b"]), np.ma.masked_array([1, 2]),
    np.rec.array([(1, 2)]), {1: 2}, {"a": Liar()}, [Liar()], lambda: 0, b"bytes", {1, 2},
    np.zeros(3, dtype=[("a", "i4")]),
])
def test_everything_else_is_refused(value):
    """Objects, object/str/structured arrays, ndarray subclasses, non-str dict keys, sets, bytes: WireError."""
    with pytest.raises(wire.WireError):
        wire.encode(value)


def test_depth_and_size_limits():
    """Deep nesting is refused."""
    deep = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError):
        wire.encode(deep)


def test_decoder_refuses_pickled_arrays():
    """A buffer holding a pickled object array is refused, whatever dtype and shape the node claims."""
    bio = io.BytesIO()
    np.save(bio, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    data = bio.getvalue()
    for node in ({"__ndarray__": 0}, {"__ndarray__": [0, "|O", [1]]}, {"__ndarray__": [0, "|O", [len(data) // 8]]},
                 {"__ndarray__": [0, "|V1", [len(data)]]}, {"__npscalar__": [0, "|O"]}):
        with pytest.raises(wire.WireError):
            wire.decode(node, [data])
    # Claimed as bytes, the same buffer is only ever data: a copy of it, never unpickled.
    got = wire.decode({"__ndarray__": [0, "|u1", [len(data)]]}, [data])
    assert got.dtype == np.uint8 and got.tobytes() == data


@pytest.mark.parametrize("node", [{"__ndarray__": 5}, {"__unknown__": 1}, {"a": 1, "b": 2}, {"__tuple__": 3}])
def test_decoder_refuses_malformed_nodes(node):
    """Unknown tags, dangling buffer references and untagged dicts are refused."""
    with pytest.raises(wire.WireError):
        wire.decode(node, [])


# -- raw array buffers ---------------------------------------------------------------------------------------------
ALLOWED_DTYPES = sorted(wire._DTYPES.values(), key=str)


def sample(dtype, shape=(3, 4)):
    """Values that exercise the dtype: extremes for ints, nan/inf/-0.0 for floats, both bools."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape))
    if dtype.kind == "b":
        flat = np.arange(n) % 3 == 0
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        flat = np.resize(np.array([info.min, info.max, 0, 1, info.max - 1], dtype=dtype), n)
    else:
        special = [np.nan, np.inf, -np.inf, -0.0, 1 / 3, 65504.0, 1e-7]
        flat = np.resize(np.array(special, dtype=dtype), n)
        if dtype.kind == "c":
            flat.imag = flat[::-1].real
    return flat.astype(dtype).reshape(shape)


def same_bits(a, b):
    """Bit-exact, except the padding bytes of long doubles (which hold nothing)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.type in (np.longdouble, np.clongdouble):
        return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a.real), np.signbit(b.real))
    return a.tobytes() == b.tobytes()


def assert_exact(got, arr):
    """Same type, dtype, shape and bits (so nan payloads, -0.0 and bool bytes are exact)."""
    assert type(got) is np.ndarray and got.dtype == arr.dtype and got.shape == arr.shape
    assert same_bits(got, arr)


@pytest.mark.parametrize("dtype", ALLOWED_DTYPES, ids=str)
def test_every_allowed_dtype_roundtrips_exactly(dtype):
    """Every allowed dtype: n-d, 0-d, empty arrays and numpy scalars come back bit-exact with the same dtype."""
    for arr in (sample(dtype), sample(dtype, (2, 3, 5)), sample(dtype, ()), np.zeros((0, 3), dtype),
                np.zeros((2, 0, 4), dtype), np.zeros(0, dtype)):
        assert_exact(roundtrip(arr), arr)
    scalar = sample(dtype, (4,))[1]
    got = roundtrip(scalar)
    assert type(got) is type(scalar) and got.dtype == scalar.dtype
    assert same_bits(got, scalar)


def test_special_floats_survive():
    """nan, inf, -inf and -0.0 keep their exact bits in half, single, double and complex arrays."""
    for dtype in (np.float16, np.float32, np.float64, np.complex64, np.complex128):
        arr = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], dtype=dtype)
        assert_exact(roundtrip(arr), arr)
    assert math.copysign(1.0, roundtrip(np.float64(-0.0))) == -1.0


@pytest.mark.parametrize("view", [
    lambda a: a[::2, ::3], lambda a: a.T, lambda a: a[::-1, 1:], np.asfortranarray, lambda a: a[:, 2],
    lambda a: np.broadcast_to(a[:1], (4, 6)),
])
def test_non_contiguous_input_roundtrips(view):
    """Strided, transposed, reversed, Fortran-ordered and broadcast arrays arrive with the same values, C-ordered."""
    arr = view(np.arange(24, dtype=np.int64).reshape(4, 6))
    got = roundtrip(arr)
    assert got.flags.c_contiguous and got.shape == arr.shape and got.dtype == arr.dtype
    np.testing.assert_array_equal(got, arr)


@pytest.mark.parametrize("dtype", [">i4", ">f8", ">c16", ">u2", ">f2"])
def test_big_endian_arrays_arrive_native(dtype):
    """Non-native byte order is normalised on encode: same values, the native dtype."""
    arr = np.array([[1, -2, 3], [400, 5, 60]]).astype(dtype) if dtype[1] != "u" else np.arange(6, dtype=dtype)
    got = roundtrip(arr)
    assert got.dtype == arr.dtype.newbyteorder("=") and got.dtype.isnative
    np.testing.assert_array_equal(got, arr)


def test_dtypes_roundtrip():
    """Dtype values (and numpy scalar types) arrive as the same np.dtype, byte order included."""
    for value, want in ((np.float32, np.dtype(np.float32)), (np.dtype("int64"), np.dtype("int64")),
                        (np.dtype(">f8"), np.dtype(">f8")), (np.bool_, np.dtype(bool))):
        got = roundtrip(value)
        assert type(got) is type(want) and got == want and got.str == want.str


def test_decoded_arrays_are_fresh_and_writable():
    """Decoded arrays own their memory, are C-contiguous and writable, and never alias the frame's buffers."""
    value = (np.arange(6).reshape(2, 3), np.array([True, False]), np.array(2.5), np.zeros((0, 2)))
    node, buffers = wire.encode(value)
    frame = wire.pack({"v": node}, buffers)
    r, w = os.pipe()
    try:
        os.write(w, frame)
        header, bufs = wire.read_frame(r)
    finally:
        os.close(r)
        os.close(w)
    got = wire.decode(header["v"], bufs)
    for arr, want in zip(got, value, strict=True):
        assert arr.flags.writeable and arr.flags.owndata and arr.flags.c_contiguous
        for buf in bufs:
            assert not np.shares_memory(arr, np.frombuffer(buf, np.uint8))
        np.testing.assert_array_equal(arr, want)
    got[0][0, 0] = 99  # tests and learners write into arguments
    got[1][:] = True
    assert got[0][0, 0] == 99 and got[1].all()

    mutable = [bytearray(b) for b in buffers]
    again = wire.decode(node, mutable)
    mutable[0][:] = b"\xff" * len(mutable[0])  # whoever owns the buffer changes it afterwards
    np.testing.assert_array_equal(again[0], value[0])


def test_bool_bytes_are_normalised():
    """A bool buffer holding bytes other than 0 and 1 decodes to proper False/True (one byte each)."""
    got = wire.decode({"__ndarray__": [0, "|b1", [4]]}, [b"\x00\x02\xff\x01"])
    assert got.dtype == bool and got.tolist() == [False, True, True, True]
    assert got.view(np.uint8).tolist() == [0, 1, 1, 1]
    assert wire.decode({"__npscalar__": [0, "|b1"]}, [b"\x07"]) is np.True_


@pytest.mark.parametrize(("node", "buffers"), [
    ({"__ndarray__": [0, "<i8", [3]]}, [b"\0" * 23]),  # buffer one byte short
    ({"__ndarray__": [0, "<i8", [3]]}, [b"\0" * 25]),  # one byte too many
    ({"__ndarray__": [0, "<i8", [2, 2]]}, [b"\0" * 24]),
    ({"__ndarray__": [0, "<i8", []]}, [b""]),
    ({"__ndarray__": [0, "<f8", [0]]}, [b"\0" * 8]),
    ({"__npscalar__": [0, "<f8"]}, [b"\0" * 4]),
    ({"__npscalar__": [0, "|b1"]}, [b""]),
])
def test_buffer_length_mismatch_is_refused(node, buffers):
    """The buffer must hold exactly itemsize * prod(shape) bytes."""
    with pytest.raises(wire.WireError):
        wire.decode(node, buffers)


@pytest.mark.parametrize("shape", [
    [-1], [2, -3], [2**62], [10**30], [2**40, 0], [0] + [2**29] * 5, [1] * (wire.MAX_NDIM + 1), "3", 3, [1.0],
    [True], ["2"], None, {"a": 1},
])
def test_bad_shapes_are_refused(shape):
    """Negative, huge, non-int and too many dimensions are refused (the buffer length alone proves nothing)."""
    for buf in (b"", b"\0" * 8):
        with pytest.raises(wire.WireError):
            wire.decode({"__ndarray__": [0, "|u1", shape]}, [buf])


@pytest.mark.parametrize("dtype", [
    "O", "|O", "V8", "|V8", "<U1", "|S8", "<M8[ns]", "<m8", ">i8", "i8", "int64", "float64", "i4,i4",
    "[('a', '<i4')]", "(2,)<i4", "<T", "", 5, None, ["<i8"], {"<i8": 1},
])
def test_disallowed_dtype_strings_are_refused(dtype):
    """Only canonical native numeric/bool dtype strings are accepted for arrays and scalars."""
    with pytest.raises(wire.WireError):
        wire.decode({"__ndarray__": [0, dtype, [1]]}, [b"\0" * 8])
    with pytest.raises(wire.WireError):
        wire.decode({"__npscalar__": [0, dtype]}, [b"\0" * 8])


@pytest.mark.parametrize("node", [
    {"__ndarray__": 0}, {"__ndarray__": [0, "<i8"]}, {"__ndarray__": [0, "<i8", [1], 0]}, {"__ndarray__": {}},
    {"__ndarray__": [-1, "<i8", [1]]}, {"__ndarray__": [1, "<i8", [1]]}, {"__ndarray__": [True, "<i8", [1]]},
    {"__ndarray__": ["0", "<i8", [1]]}, {"__ndarray__": [0.0, "<i8", [1]]}, {"__npscalar__": [0, "<i8", []]},
    {"__npscalar__": 0}, {"__bigint__": "12x"}, {"__bigint__": 12}, {"__dtype__": "O"}, {"__dtype__": "i4,i4"},
    {"__dtype__": "nonsense"},
])
def test_malformed_array_nodes_are_refused(node):
    """Old .npy-style references, bad indexes and malformed bodies fail closed."""
    with pytest.raises(wire.WireError):
        wire.decode(node, [b"\0" * 8])


def test_limits_on_encode(monkeypatch):
    """Arrays over the byte budget, or empty ones with absurd dimensions, are refused before any copy."""
    with pytest.raises(wire.WireError):
        wire.encode(np.zeros((0, wire.MAX_TOTAL_BYTES + 1)))
    monkeypatch.setattr(wire, "MAX_TOTAL_BYTES", 1000)
    wire.encode(np.zeros(125))
    with pytest.raises(wire.WireError):
        wire.encode([np.zeros(100), np.zeros(26)])


def test_big_ints():
    """Ints past int64 travel as strings; the int64 extremes round-trip too."""
    for v in (2**63, -(2**63), -(2**63) - 1, 2**63 - 1, -(10**40)):
        got = roundtrip(v)
        assert got == v and type(got) is int


# -- generators ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", wire.ALLOWED_BIT_GENERATORS)
def test_every_bit_generator_crosses(name):
    """Each allowed bit generator arrives with its exact state; generator_state/make_generator agree."""
    g = np.random.Generator(getattr(np.random, name)(7))
    g.random(3)
    got = roundtrip(g)
    assert type(got.bit_generator) is type(g.bit_generator)
    np.testing.assert_array_equal(got.integers(0, 2**62, 20), g.integers(0, 2**62, 20))
    again = wire.make_generator(wire.generator_state(got))
    np.testing.assert_array_equal(again.random(5), got.random(5))


def test_decoded_generator_can_spawn():
    """A decoded generator spawns independent children, as an unseeded one would."""
    got = roundtrip(np.random.default_rng(1))
    kids = got.spawn(2)
    assert len(kids) == 2 and kids[0].random() != kids[1].random()


def _state(name, **change):
    state = wire.generator_state(np.random.Generator(getattr(np.random, name)(3)))
    for path, value in change.items():
        target = state
        *keys, last = path.split("__")
        for k in keys:
            target = target[k]
        target[last] = value
    return state


@pytest.mark.parametrize("state", [
    {"bit_generator": "PCG64"},
    {"bit_generator": "RandomState"},
    {"bit_generator": "PCG64", "state": "x", "has_uint32": 0, "uinteger": 0},
    _state("PCG64", state__state=-1),
    _state("PCG64", state__inc=[1]),
    _state("PCG64", uinteger=-1),
    _state("MT19937", state__pos=625),
    _state("MT19937", state__pos=10**6),
    _state("MT19937", state__pos=-1),
    _state("MT19937", state__key={"__uint_list__": [1, 2], "dtype": "uint32"}),
    _state("MT19937", state__key={"__uint_list__": [2**40] * 624, "dtype": "uint32"}),
    _state("MT19937", state__key={"__uint_list__": [1] * 624, "dtype": "float64"}),
    _state("MT19937", state__key={"__uint_list__": [1] * 624, "dtype": "O"}),
    _state("Philox", buffer_pos=-100000),
    _state("Philox", buffer_pos=5),
    _state("SFC64", state__state={"__uint_list__": [1, 2], "dtype": "uint64"}),
    _state("SFC64", state__state={"__uint_list__": [1, 2, 3, 4]}),
    _state("SFC64", state__state={"__uint_list__": ["1", 2, 3, 4], "dtype": "uint64"}),
    _state("PCG64", state__state={"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}),
    "PCG64", None, [],
])
def test_bad_generator_states_are_refused(state):
    """Malformed states (including positions numpy would read out of bounds with) are WireError, never a crash."""
    with pytest.raises(wire.WireError):
        wire.make_generator(state)
    with pytest.raises(wire.WireError):
        wire.decode({"__rng__": state}, [])


# -- frames --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [
    b"\xff\xfe{}", b"{", b"[]", b"1", b'{"__buffers__": [-1]}', b'{"__buffers__": [true]}', b'{"__buffers__": 3}',
    b'{"__buffers__": [1.5]}', b'{"a": ' + b"1" * 5000 + b"}", b"[" * 100_000 + b"]" * 100_000,
    b'{"__buffers__": [%d]}' % (wire.MAX_TOTAL_BYTES + 1),
])
def test_bad_headers_are_refused(raw):
    """Bad UTF-8 or JSON, non-objects, bad buffer sizes, huge ints and deep nesting: WireError only."""
    with pytest.raises(wire.WireError):
        wire.parse_header(raw)


def test_header_size_limit():
    """A frame announcing a header over the limit is refused before anything is read."""
    assert wire.header_size((12).to_bytes(4, "big")) == 12
    with pytest.raises(wire.WireError):
        wire.header_size((wire.MAX_HEADER_BYTES + 1).to_bytes(4, "big"))


def test_frame_layout():
    """pack writes the header length, the JSON header with the buffer sizes, then the buffers, in order."""
    frame = wire.pack({"a": 1}, [b"xy", b"", b"z"])
    size = wire.header_size(frame[:4])
    header, sizes = wire.parse_header(frame[4 : 4 + size])
    assert header == {"a": 1} and sizes == [2, 0, 1] and frame[4 + size :] == b"xyz"
