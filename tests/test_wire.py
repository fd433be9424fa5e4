"""The wire format: plain data round-trips exactly; everything else is refused; nothing is pickled."""

from __future__ import annotations

import io
import math
import os

import numpy as np
import pytest

from judge import wire


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
    """An .npy buffer holding a pickled object array is refused (allow_pickle=False)."""
    bio = io.BytesIO()
    np.save(bio, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        wire.decode({"__ndarray__": 0}, [bio.getvalue()])


@pytest.mark.parametrize("node", [{"__ndarray__": 5}, {"__unknown__": 1}, {"a": 1, "b": 2}, {"__tuple__": 3}])
def test_decoder_refuses_malformed_nodes(node):
    """Unknown tags, dangling buffer references and untagged dicts are refused."""
    with pytest.raises(wire.WireError):
        wire.decode(node, [])
