"""Mistake: only min + min is treated as an overflow; min plus a large negative bias still overflows to -inf."""

import numpy as np


def to_additive_mask(allowed: np.ndarray, dtype=np.float32, fill: str = "-inf") -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype must be a real floating dtype, got {dt}")
    if fill == "-inf":
        value = -np.inf
    elif fill == "min":
        value = np.finfo(dt).min
    else:
        raise ValueError(f"fill must be '-inf' or 'min', got {fill!r}")
    allowed = np.asarray(allowed, dtype=bool)
    out = np.full(allowed.shape, value, dtype=dt)
    out[allowed] = 0
    return out


def combine_additive_masks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype.kind != "f":
        raise ValueError(f"a must be a floating array, got dtype {a.dtype}")
    if b.dtype.kind != "f":
        raise ValueError(f"b must be a floating array, got dtype {b.dtype}")
    dt = np.result_type(a, b)
    with np.errstate(over="ignore"):
        total = np.add(a, b, dtype=dt)
    blocked = np.isneginf(a) | np.isneginf(b)
    lo = np.finfo(dt).min
    both_min = (a == lo) & (b == lo)
    return np.where(blocked, dt.type(-np.inf), np.where(both_min, lo, total)).astype(dt)
