"""Mistake: residual added once at the end: allowed ** L | I, instead of a residual around every layer."""

import numpy as np


def _bool_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Entries of the float product count paths (at most T), exact in float32 for T < 2**24.
    return (a.astype(np.float32) @ b.astype(np.float32)) > 0


def attention_reach(allowed: np.ndarray, num_layers: int) -> np.ndarray:
    allowed = np.asarray(allowed)
    if allowed.ndim != 2 or allowed.shape[0] != allowed.shape[1] or allowed.dtype != bool:
        raise ValueError(f"allowed must be a square 2-D bool array, got {allowed.dtype} of shape {allowed.shape}")
    if num_layers < 0:
        raise ValueError(f"num_layers must be >= 0, got {num_layers}")
    T = allowed.shape[0]
    step = allowed.copy()
    reach = np.eye(T, dtype=bool)
    layers = num_layers
    while layers:
        if layers & 1:
            reach = _bool_matmul(step, reach)
        step = _bool_matmul(step, step)
        layers >>= 1
    return reach | np.eye(T, dtype=bool)
