"""A second correct solution of sequence_pooling, written differently: one row at a time, the rightmost real
token found by a search from the right, the mean from the selected rows (np.mean over a boolean index)."""

import numpy as np


def sequence_pooling(hidden_states: np.ndarray, attention_mask: np.ndarray, method: str) -> np.ndarray:
    h = np.asarray(hidden_states)
    if h.ndim != 3 or h.shape[1] < 1 or h.dtype.kind != "f":
        raise ValueError("hidden_states must be a float (B, T, D) array with T >= 1")
    m = np.asarray(attention_mask)
    if m.shape != h.shape[:2] or m.dtype.kind not in "biu":
        raise ValueError("attention_mask must be a bool or integer (B, T) array")
    if ((m != 0) & (m != 1)).any():
        raise ValueError("attention_mask may hold only 0 and 1")
    if method not in {"first", "mean", "last"}:
        raise ValueError(f"unknown method {method!r}: use 'first', 'mean' or 'last'")
    out = np.zeros((h.shape[0], h.shape[2]), dtype=np.float64)
    for b in range(h.shape[0]):
        row = h[b].astype(np.float64)
        real = m[b] == 1
        if method == "first":
            out[b] = row[0]
        elif method == "mean":
            if real.any():
                out[b] = row[real].mean(axis=0)
        else:
            positions = np.flatnonzero(real)
            out[b] = row[positions[-1]] if positions.size else row[0]
    return out
