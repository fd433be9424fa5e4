"""Mistake: np.linalg.matrix_power in float32 (capped at T layers), > 0 only at the end.

Path counts overflow to inf, and a later product computes 0 * inf = NaN, which reads as "no path"."""

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
    step = allowed | np.eye(T, dtype=bool)   # one layer: attention plus the residual stream
    reach = np.eye(T, dtype=bool)
    del reach
    return np.linalg.matrix_power(step.astype(np.float32), min(num_layers, T)) > 0
